import { fitTransitions, scoreTransitions, unusualTransitions, type TransitionFinding, type TransitionModel } from '../detectors/sequenceTransitions';
import { quantileSorted } from '../quantiles';
import type { NextEventMiss } from '../detectors/nextEventLstm';

/**
 * The session model: event order (first-order transitions) plus templates never seen in training
 * sessions. A session is anomalous when the share of unusual transitions passes a threshold set on
 * the training sessions by the target alert rate — and never for a session that has none.
 */
export interface SessionModel {
  kind: 'sessions';
  transitions: TransitionModel;
  threshold: number;
  alertRate: number;
  trainingScores: number[];
}

export interface SessionVerdict {
  score: number;
  severity: number;
  anomalous: boolean;
  /** Which session detectors fired: sequence_transitions and/or lstm_next_event. */
  detectors: string[];
  findings: TransitionFinding[];
  /** lstm_next_event: events outside the model's top-k predictions. */
  misses: NextEventMiss[];
}

/** Quantiles kept with the model for calibration and drift (101 points). */
export function scoreQuantiles(scores: Float64Array): number[] {
  const sorted = Float64Array.from(scores).sort();
  return Array.from({ length: 101 }, (_, i) => quantileSorted(sorted, i / 100));
}

/** A session needs at least this share of unusual transitions to be flagged, whatever the alert rate. */
export const SESSION_SCORE_FLOOR = 0.2;

export function fitSessionModel(sequences: readonly string[][], params: { alertRate: number; minProbability?: number }): SessionModel {
  const transitions = fitTransitions(sequences, params.minProbability ?? 0.005);
  const scores = scoreTransitions(transitions, sequences);
  const sorted = Float64Array.from(scores).sort();
  const threshold = Math.max(quantileSorted(sorted, 1 - params.alertRate), SESSION_SCORE_FLOOR);
  return { kind: 'sessions', transitions, threshold, alertRate: params.alertRate, trainingScores: scoreQuantiles(scores) };
}

/** 50 at the threshold, rising to 100 when the whole session is unusual (scores are shares in [0, 1]). */
export function shareSeverity(score: number, threshold: number): number {
  return score >= threshold && score > 0
    ? Math.round(50 + 50 * Math.min(1, (score - threshold) / Math.max(1 - threshold, 1e-9)))
    : Math.round(50 * Math.min(1, score / threshold));
}

export function scoreSessions(model: SessionModel, sequences: readonly string[][]): SessionVerdict[] {
  const scores = scoreTransitions(model.transitions, sequences);
  return sequences.map((seq, i) => {
    const score = scores[i];
    const anomalous = score >= model.threshold && score > 0;
    return { score, severity: shareSeverity(score, model.threshold), anomalous, detectors: anomalous ? ['sequence_transitions'] : [], findings: anomalous ? unusualTransitions(model.transitions, seq) : [], misses: [] };
  });
}

/** The next-event LSTM's verdicts joined to the transition model's: either one firing flags the session. */
export function withNextEvent(verdicts: readonly SessionVerdict[], scores: Float64Array, misses: readonly NextEventMiss[][], threshold: number): SessionVerdict[] {
  return verdicts.map((v, i) => {
    const fires = scores[i] >= threshold && scores[i] > 0;
    if (!fires) return { ...v, severity: Math.max(v.severity, Math.min(49, shareSeverity(scores[i], threshold))) };
    return { ...v, score: Math.max(v.score, scores[i]), severity: Math.max(v.severity, shareSeverity(scores[i], threshold)), anomalous: true, detectors: [...v.detectors, 'lstm_next_event'], misses: misses[i] };
  });
}
