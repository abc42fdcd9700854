/**
 * The session model: every session detector of the bundle (shared/detectors/sessions), each with
 * its threshold, and the verdict of all of them together. A session is anomalous when any detector
 * fires. Each threshold comes from one rule, reported in the training summary:
 * - `--alert-rate R`: the (1 − R) quantile of the detector's training scores, so R moves every
 *   detector;
 * - `--alert-rate auto` (the default): the detector's own statistical test (invariant broken, event
 *   in under 0.5 % of sessions, Q-statistic, ...), as scikit-learn's contamination='auto';
 * and in both cases never at or below the detector's floor, the score of a session with nothing
 * unusual, so a clean day raises nothing.
 */
import { calibrate, severityOf, type Calibration } from '../detectors/calibration';
import { SESSION_DETECTORS } from '../detectors/sessions/registry';
import type { SessionDetector, SessionFinding, SessionTimes, Sequences } from '../detectors/sessions/types';
import { BadInputError } from '../errors';
import { quantileSorted } from '../quantiles';

export type AlertRate = number | 'auto';

export interface SessionThreshold {
  value: number;
  /** quantile: from the alert rate; auto: the detector's own test; floor: the floor was higher. */
  source: 'quantile' | 'auto' | 'floor';
  /** The (1 − alert rate) training quantile or the auto test's value, before the floor. */
  proposed: number;
  floor: number;
  /** Share of training sessions at or above the threshold (the detector's training alert rate). */
  trainingShare: number;
}

export interface SessionDetectorEntry {
  name: string;
  artifact: unknown;
  threshold: SessionThreshold;
  /** Training score quantiles: severity and the calibrated score. */
  calibration: Calibration;
}

export interface SessionModel {
  kind: 'sessions';
  version: 2;
  alertRate: AlertRate;
  trainingSessions: number;
  detectors: SessionDetectorEntry[];
  /** Share of training sessions that at least one detector flags. */
  flaggedShare: number;
}

export interface SessionVerdict {
  /** max over detectors of raw score / threshold: ≥ 1 where a detector fires. */
  score: number;
  severity: number;
  anomalous: boolean;
  /** The detectors that fired. */
  detectors: string[];
}

/** Quantiles kept with the model for calibration and drift (101 points). */
export function scoreQuantiles(scores: Float64Array): number[] {
  const sorted = Float64Array.from(scores).sort();
  return Array.from({ length: 101 }, (_, i) => quantileSorted(sorted, i / 100));
}

const fires = (raw: number, t: SessionThreshold) => raw >= t.value && raw > t.floor;

/** First index whose value is ≥ v in an ascending array. */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lowest score that flags at most `rate` of the training sessions. Session scores tie a lot
 * (most sessions break 0 invariants), so the plain (1 − rate) quantile can flag far more than the
 * rate; then the next higher distinct score is taken.
 */
export function rateThreshold(sorted: Float64Array, rate: number): number {
  const n = sorted.length;
  // Snap to the training score at or above the quantile: it flags the same sessions and reads better.
  let t = sorted[Math.min(n - 1, lowerBound(sorted, quantileSorted(sorted, 1 - rate)))];
  while (n && (n - lowerBound(sorted, t)) / n > rate) {
    const next = upperBound(sorted, t);
    if (next >= n) return sorted[n - 1] + Math.max(Math.abs(sorted[n - 1]) * 1e-9, 1e-12);
    t = sorted[next];
  }
  return t;
}

/** First index whose value is > v in an ascending array. */
function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The one thresholding rule (see the file comment). Pure: the training scores and the detector's own test in, the threshold out. */
export function chooseThreshold(trainingScores: Float64Array, alertRate: AlertRate, autoThreshold: number, floor: number): SessionThreshold {
  const sorted = Float64Array.from(trainingScores).sort();
  const proposed = alertRate === 'auto' ? autoThreshold : rateThreshold(sorted, alertRate);
  const value = Math.max(proposed, floor);
  const source = proposed > floor || (proposed === floor && alertRate === 'auto') ? (alertRate === 'auto' ? 'auto' : 'quantile') : 'floor';
  const t: SessionThreshold = { value, source, proposed, floor, trainingShare: 0 };
  let above = 0;
  for (const s of sorted) if (fires(s, t)) above++;
  t.trainingShare = above / Math.max(1, sorted.length);
  return t;
}

/** One line per detector for the training summary: the threshold, where it came from, and what it flags. */
export function describeThreshold(name: string, t: SessionThreshold, alertRate: AlertRate): string {
  const share = `${(100 * t.trainingShare).toFixed(2)} % of training sessions at or above it`;
  const v = (x: number) => Number(x.toPrecision(3));
  if (t.source === 'floor') {
    const what = alertRate === 'auto' ? `its own test's ${v(t.proposed)}` : `the ${1 - alertRate} quantile ${v(t.proposed)}`;
    return `${name}: threshold ${v(t.value)} is the floor, above ${what}: the alert rate has no effect (${share})`;
  }
  return `${name}: threshold ${v(t.value)} from ${t.source === 'auto' ? 'its own test (alert rate auto)' : `the ${1 - (alertRate as number)} quantile of training scores`} (${share})`;
}

export interface SessionModelParams {
  detectors: readonly string[];
  alertRate: AlertRate;
  seed: number;
  /** Start time of each training session (epoch ms), when known. */
  starts?: ArrayLike<number>;
  /** Event times of each training session, when known (order detectors ignore ties). */
  times?: SessionTimes;
}

function detectorNamed(name: string): SessionDetector<unknown> {
  const d = SESSION_DETECTORS[name];
  if (!d) throw new BadInputError(`unknown session detector "${name}"; choose from ${Object.keys(SESSION_DETECTORS).join(', ')}`);
  return d;
}

export async function fitSessionModel(training: Sequences, params: SessionModelParams, progress: (line: string) => void = () => {}): Promise<SessionModel> {
  const detectors: SessionDetectorEntry[] = [];
  const flagged = new Uint8Array(training.length);
  for (const name of params.detectors) {
    const started = performance.now();
    const detector = detectorNamed(name);
    // Score through the JSON artifact, as `score` will: a serialization bug shows up at training time.
    const artifact = JSON.parse(
      JSON.stringify(await detector.toArtifact(await detector.fit(training, { seed: params.seed, starts: params.starts, times: params.times }))),
    );
    const model = await detector.fromArtifact(artifact);
    const scores = await detector.score(model, training, params.times);
    const threshold = chooseThreshold(scores, params.alertRate, detector.autoThreshold(model, scores), detector.floor);
    scores.forEach((s, i) => {
      if (fires(s, threshold)) flagged[i] = 1;
    });
    detectors.push({
      name,
      artifact,
      threshold,
      calibration: { ...calibrate(scores, 1, 0), threshold: threshold.value, severitySpan: Math.max(threshold.value, 1e-9) },
    });
    const note = detector.note?.(model);
    progress(
      `${describeThreshold(name, threshold, params.alertRate)}; fitted on ${training.length} sessions in ${Math.round(performance.now() - started)} ms${note ? `; ${note}` : ''}`,
    );
  }
  const flaggedShare = flagged.reduce((s, x) => s + x, 0) / Math.max(1, training.length);
  return { kind: 'sessions', version: 2, alertRate: params.alertRate, trainingSessions: training.length, detectors, flaggedShare };
}

export interface LiveSessionModel {
  model: SessionModel;
  live: Map<string, unknown>;
}

export async function loadSessionModel(model: SessionModel): Promise<LiveSessionModel> {
  if (model.kind !== 'sessions' || model.version !== 2)
    throw new BadInputError('the model bundle has a session model from an older version; retrain with `sentinel train`');
  const live = new Map<string, unknown>();
  for (const d of model.detectors) live.set(d.name, await detectorNamed(d.name).fromArtifact(d.artifact));
  return { model, live };
}

export async function scoreSessions({ model, live }: LiveSessionModel, sessions: Sequences, times?: SessionTimes): Promise<SessionVerdict[]> {
  const raw = new Map<string, Float64Array>();
  for (const d of model.detectors) raw.set(d.name, await detectorNamed(d.name).score(live.get(d.name), sessions, times));
  return sessions.map((_, i) => {
    const fired = model.detectors.filter((d) => fires(raw.get(d.name)![i], d.threshold)).map((d) => d.name);
    const score = Math.max(0, ...model.detectors.map((d) => raw.get(d.name)![i] / Math.max(d.threshold.value, 1e-9)));
    const severity = Math.max(0, ...model.detectors.map((d) => severityOf(d.calibration, raw.get(d.name)![i])));
    const anomalous = fired.length > 0;
    return { score, severity: anomalous ? Math.max(50, severity) : Math.min(49, severity), anomalous, detectors: fired };
  });
}

/** Why a session was flagged: the findings of each detector that fired, most unusual first. */
export async function explainSession(
  { live }: LiveSessionModel,
  session: readonly string[],
  fired: readonly string[],
  top = 3,
  times?: ArrayLike<number>,
): Promise<SessionFinding[]> {
  const out: SessionFinding[] = [];
  for (const name of fired) out.push(...(await detectorNamed(name).explain(live.get(name), session, top, times)));
  return out;
}
