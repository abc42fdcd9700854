import { fitTransitions, scoreTransitions, unusualTransitions, type TransitionFinding, type TransitionModel } from '../detectors/sequenceTransitions';
import { quantileSorted } from '../quantiles';

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
  findings: TransitionFinding[];
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

export function scoreSessions(model: SessionModel, sequences: readonly string[][]): SessionVerdict[] {
  const scores = scoreTransitions(model.transitions, sequences);
  return sequences.map((seq, i) => {
    const score = scores[i];
    const anomalous = score >= model.threshold && score > 0;
    // Severity: 50 at the threshold, rising to 100 when every transition is unusual.
    const severity = anomalous ? Math.round(50 + 50 * Math.min(1, (score - model.threshold) / Math.max(1 - model.threshold, 1e-9))) : Math.round(50 * Math.min(1, score / model.threshold));
    return { score, severity, anomalous, findings: anomalous ? unusualTransitions(model.transitions, seq) : [] };
  });
}
