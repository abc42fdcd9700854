/**
 * The model bundle `train` fits and `score` applies: every window detector with its calibration,
 * the session model, and the training profiles that `monitor` compares new data with. It is plain
 * JSON (models/<name>/v<version>/model.json), so one version and one input give one verdict.
 * Detectors are looked up in their registries (shared/detectors/windows, shared/detectors/sessions):
 * this file only calibrates, combines and decides.
 */
import { BadInputError } from '../errors';
import { calibrate, ecdf, severityOf, type Calibration } from '../detectors/calibration';
import { checkDetectorNames, sessionDetectors, windowDetectors } from '../detectors/registry';
import { WINDOW_DETECTORS } from '../detectors/windows/registry';
import type { WindowDetector, WindowScoreContext, WindowScores } from '../detectors/windows/types';
import type { Contribution } from '../detectors/types';
import { medianOfThreeWith, windowNeighbours, type WindowNeighbours } from '../detectors/persistence';
import { column } from '../detectors/robustStats';
import { quantileSorted } from '../quantiles';
import type { AnomalyLabel } from '../schemas';
import {
  fitSessionModel,
  loadSessionModel,
  scoreQuantiles,
  scoreSessions,
  type AlertRate,
  type LiveSessionModel,
  type SessionModel,
  type SessionVerdict,
} from './sessionModel';
import { profileOf, type FeatureProfile } from './profile';
import type { SessionData, WindowData } from './trainingData';

export interface BundleParams {
  detectors: string[];
  /** Share of training windows/sessions each detector may flag; 'auto': windows 0.5 %, sessions each detector's own test. */
  alertRate: AlertRate;
  seed: number;
  /** 'max': a window is anomalous when any detector fires; 'mean': when the weighted mean of calibrated scores passes its own alert-rate threshold. */
  combine?: 'max' | 'mean';
  weights?: Record<string, number>;
  persistence?: 'median3' | 'none';
}

export interface DetectorEntry {
  name: string;
  artifact: unknown;
  calibration: Calibration;
}

/** `--alert-rate auto` for window detectors: half a percent of training windows (decision 9). */
export const WINDOW_AUTO_ALERT_RATE = 0.005;
export const windowAlertRate = (params: Pick<BundleParams, 'alertRate'>): number => (params.alertRate === 'auto' ? WINDOW_AUTO_ALERT_RATE : params.alertRate);

/** A window detector's threshold as the training summary reports it. */
export interface WindowThreshold {
  detector: string;
  threshold: number;
  source: 'quantile' | 'floor';
  trainingShare: number;
}

export interface ModelBundle {
  kind: 'log-sentinel/bundle';
  version: 3;
  params: BundleParams;
  windows: {
    columns: string[];
    detectors: DetectorEntry[];
    combinedThreshold: number;
    /** 'median3': persistent detectors' scores pass a 3-window median filter per service (see detectors/persistence). */
    persistence: 'median3' | 'none';
    /** Each detector's threshold, its source and the share of training windows it flags (the training summary). */
    thresholds: WindowThreshold[];
  };
  /** Every session detector with its threshold; null when the training data had fewer than 10 sessions. */
  sessions: SessionModel | null;
  /** Drift references: per feature decile profile, the calibrated-score quantiles, the training anomaly rate. */
  profiles: Record<string, FeatureProfile>;
  scoreQuantiles: number[];
  expectedAnomalyRate: number;
  /** Every template id seen in training: `monitor` counts unseen ones. */
  vocabulary: string[];
}

function windowDetector(name: string): WindowDetector<unknown> {
  const d = WINDOW_DETECTORS[name];
  if (!d) throw new BadInputError(`unknown window detector "${name}" in the model; retrain with \`sentinel train\``);
  return d;
}

/** A loaded window detector and, after scoring, its scores (raw, after persistence) and explanations. */
interface LiveWindowDetector {
  entry: DetectorEntry;
  detector: WindowDetector<unknown>;
  model: unknown;
}

interface ScoredWindows {
  raw: Map<string, Float64Array>;
  passes: Map<string, WindowScores>;
}

async function loadWindowDetectors(entries: readonly DetectorEntry[]): Promise<LiveWindowDetector[]> {
  const out: LiveWindowDetector[] = [];
  for (const entry of entries) {
    const detector = windowDetector(entry.name);
    out.push({ entry, detector, model: await detector.fromArtifact(entry.artifact) });
  }
  return out;
}

async function scoreWindows(
  live: readonly LiveWindowDetector[],
  data: WindowData,
  persistence: 'median3' | 'none',
  context?: WindowScoreContext,
): Promise<ScoredWindows> {
  const raw = new Map<string, Float64Array>();
  const passes = new Map<string, WindowScores>();
  const m = data.matrix;
  let neighbours: WindowNeighbours | undefined;
  for (const { entry, detector, model } of live) {
    const pass = await detector.score(model, data, context);
    passes.set(entry.name, pass);
    if (detector.persistent && persistence === 'median3') {
      neighbours ??= windowNeighbours(m.service, m.windowStart, data.windowSeconds * 1000);
      raw.set(entry.name, medianOfThreeWith(pass.scores, neighbours));
    } else raw.set(entry.name, pass.scores);
  }
  return { raw, passes };
}

function combined(bundle: Pick<ModelBundle, 'windows' | 'params'>, scored: ScoredWindows, row: number): number {
  const entries = bundle.windows.detectors;
  if ((bundle.params.combine ?? 'max') === 'max') return Math.max(...entries.map((d) => ecdf(d.calibration, scored.raw.get(d.name)![row])));
  let sum = 0;
  let weight = 0;
  for (const d of entries) {
    const w = bundle.params.weights?.[d.name] ?? 1;
    sum += w * ecdf(d.calibration, scored.raw.get(d.name)![row]);
    weight += w;
  }
  return sum / weight;
}

function windowThreshold(name: string, calibration: Calibration, scores: Float64Array, alertRate: number): WindowThreshold {
  const { threshold } = calibration;
  const quantile = quantileSorted(Float64Array.from(scores).sort(), 1 - alertRate);
  const above = scores.reduce((n, s) => n + (s >= threshold ? 1 : 0), 0);
  return { detector: name, threshold, source: quantile >= threshold ? 'quantile' : 'floor', trainingShare: above / Math.max(1, scores.length) };
}

function describeWindowThreshold(t: WindowThreshold): string {
  const share = `${(100 * t.trainingShare).toFixed(2)} % of training windows at or above it`;
  return t.source === 'floor'
    ? `${t.detector}: threshold ${Number(t.threshold.toPrecision(3))} is the floor, above the alert-rate quantile: the alert rate has no effect (${share})`
    : `${t.detector}: threshold ${Number(t.threshold.toPrecision(3))} from the alert-rate quantile of training scores (${share})`;
}

export async function fitModelBundle(
  windows: WindowData,
  sessions: SessionData,
  params: BundleParams,
  progress: (line: string) => void = () => {},
): Promise<ModelBundle> {
  return (await fitModelBundleScored(windows, sessions, params, progress)).bundle;
}

/**
 * `fitModelBundle`, with the verdicts of the fitted bundle on its own training windows: the
 * calibration scores them through the JSON artifacts anyway, so these are the verdicts
 * `scoreBundle(bundle, windows, …)` would give, without scoring the windows again (a one-date
 * training range validates on the windows it trained on).
 */
export async function fitModelBundleScored(
  windows: WindowData,
  sessions: SessionData,
  params: BundleParams,
  progress: (line: string) => void = () => {},
): Promise<{ bundle: ModelBundle; trainingWindows: WindowVerdict[] }> {
  checkDetectorNames(params.detectors);
  const columns = [...windows.matrix.columns];
  const alertRate = windowAlertRate(params);
  const entries: DetectorEntry[] = [];
  const shared = new Map<string, unknown>();
  for (const name of windowDetectors(params.detectors)) {
    const started = performance.now();
    const detector = windowDetector(name);
    const model = await detector.fit(windows, { seed: params.seed, alertRate, progress, shared });
    // Scored through the JSON artifact, as `score` will: a serialization bug shows up at training time.
    const artifact = JSON.parse(JSON.stringify(await detector.toArtifact(model)));
    entries.push({ name, artifact, calibration: { quantiles: [], threshold: 0, severitySpan: 1 } });
    progress(`${name}: fitted on ${windows.matrix.rows} windows in ${Math.round(performance.now() - started)} ms`);
  }
  const persistence = params.persistence ?? 'median3';
  const partial = { params, windows: { columns, detectors: entries, combinedThreshold: 1, persistence, thresholds: [] as WindowThreshold[] } };
  const live = await loadWindowDetectors(entries);
  // The training windows, scored through the loaded artifacts; a detector may reuse what its fit
  // computed on them when the artifact is the fitted model again (WindowScoreContext).
  const scored = await scoreWindows(live, windows, persistence, { shared });
  for (const { entry, detector } of live) {
    const scores = scored.raw.get(entry.name)!;
    entry.calibration = calibrate(scores, alertRate, detector.floor, detector.severitySpan);
    const threshold = windowThreshold(entry.name, entry.calibration, scores, alertRate);
    partial.windows.thresholds.push(threshold);
    progress(describeWindowThreshold(threshold));
  }
  const combinedScores = Float64Array.from({ length: windows.matrix.rows }, (_, r) => combined(partial, scored, r));
  const sortedCombined = Float64Array.from(combinedScores).sort();
  partial.windows.combinedThreshold = sortedCombined[Math.min(sortedCombined.length - 1, Math.floor((1 - alertRate) * sortedCombined.length))];
  const trainingWindows = windowVerdicts(partial, scored, combinedScores);
  const flagged = trainingWindows.filter((v) => v.anomalous).length;

  const profiles: Record<string, FeatureProfile> = {};
  columns.forEach((c, j) => {
    profiles[c] = profileOf(column(windows.matrix.data, columns.length, j));
  });
  const vocabulary = new Set<string>();
  for (const t of windows.templates) for (const id of t.keys()) vocabulary.add(id);
  const sessionModel =
    sessions.ids.length >= 10
      ? await fitSessionModel(
          sessions.sequences,
          { detectors: sessionDetectors(params.detectors), alertRate: params.alertRate, seed: params.seed, starts: sessions.start, times: sessions.times },
          progress,
        )
      : null;
  if (!sessionModel) progress(`sessions: only ${sessions.ids.length} sessions, no session model`);
  const bundle: ModelBundle = {
    kind: 'log-sentinel/bundle',
    version: 3,
    params,
    windows: partial.windows,
    sessions: sessionModel,
    profiles,
    scoreQuantiles: scoreQuantiles(combinedScores),
    expectedAnomalyRate: flagged / Math.max(1, windows.matrix.rows),
    vocabulary: [...vocabulary].sort(),
  };
  return { bundle, trainingWindows };
}

export interface WindowVerdict {
  row: number;
  score: number;
  severity: number;
  anomalous: boolean;
  detectors: string[];
}

function windowVerdicts(bundle: Pick<ModelBundle, 'windows' | 'params'>, scored: ScoredWindows, combinedScores: Float64Array): WindowVerdict[] {
  const max = (bundle.params.combine ?? 'max') === 'max';
  return Array.from(combinedScores, (score, row) => {
    const fired = bundle.windows.detectors.filter((d) => scored.raw.get(d.name)![row] >= d.calibration.threshold).map((d) => d.name);
    const anomalous = max ? fired.length > 0 : score >= bundle.windows.combinedThreshold && fired.length > 0;
    const severity = Math.max(0, ...bundle.windows.detectors.map((d) => severityOf(d.calibration, scored.raw.get(d.name)![row])));
    return { row, score, severity: anomalous ? Math.max(50, severity) : Math.min(49, severity), anomalous, detectors: fired };
  });
}

export interface BundleScores {
  windows: WindowVerdict[];
  sessions: SessionVerdict[];
  explain(row: number, top?: number): Contribution[];
}

/** The bundle's session model, loaded once (null when it has none). */
export async function loadSessions(bundle: ModelBundle): Promise<LiveSessionModel | null> {
  return bundle.sessions ? loadSessionModel(bundle.sessions) : null;
}

/** Verdicts of the bundle's session detectors on these sessions (none when it has no session model). */
export async function scoreSessionSequences(live: LiveSessionModel | null, sessions: Pick<SessionData, 'sequences' | 'times'>): Promise<SessionVerdict[]> {
  return live && sessions.sequences.length ? scoreSessions(live, sessions.sequences, sessions.times) : [];
}

function checkBundle(bundle: ModelBundle): void {
  if (bundle.kind !== 'log-sentinel/bundle' || bundle.version !== 3)
    throw new BadInputError(`unsupported model artifact (kind ${bundle.kind}, version ${bundle.version}); retrain with \`sentinel train\``);
}

async function scoreBundleWindows(bundle: ModelBundle, windows: WindowData): Promise<{ scored: ScoredWindows; verdicts: WindowVerdict[] }> {
  const live = await loadWindowDetectors(bundle.windows.detectors);
  const scored = await scoreWindows(live, windows, bundle.windows.persistence);
  const combinedScores = Float64Array.from({ length: windows.matrix.rows }, (_, r) => combined(bundle, scored, r));
  return { scored, verdicts: windowVerdicts(bundle, scored, combinedScores) };
}

/** Scores windows (and sessions, when the bundle has a session model). */
export async function scoreBundle(bundle: ModelBundle, windows: WindowData, sessions: SessionData): Promise<BundleScores> {
  checkBundle(bundle);
  const { scored, verdicts } = await scoreBundleWindows(bundle, windows);
  const sessionVerdicts = await scoreSessionSequences(await loadSessions(bundle), sessions);
  const explain = (row: number, top = 5): Contribution[] => {
    const v = verdicts[row];
    const names = v.detectors.length ? v.detectors : bundle.windows.detectors.map((d) => d.name);
    const out = names.flatMap((name) => scored.passes.get(name)!.explain(row, 3));
    const seen = new Set<string>();
    return out.filter((c) => !seen.has(c.feature) && seen.add(c.feature)).slice(0, top);
  };
  return { windows: verdicts, sessions: sessionVerdicts, explain };
}

/**
 * One number to compare a candidate with production on the same validation day: F1 against labels
 * when the day has labels, otherwise how close the flagged share is to the target alert rate
 * (1 = exactly on target), so a model that suddenly flags everything or nothing loses. Only window
 * verdicts count: the session model is loaded (a bundle whose session model cannot be loaded fails
 * here, as when it was scored), but its verdicts would not change the number, so sessions are not scored.
 */
export async function validationScore(
  bundle: ModelBundle,
  windows: WindowData,
  labels: AnomalyLabel[] | undefined,
): Promise<{ value: number; details: Record<string, number> }> {
  checkBundle(bundle);
  const { verdicts } = await scoreBundleWindows(bundle, windows);
  await loadSessions(bundle);
  return validationScoreOf(bundle, verdicts, windows, labels);
}

/** `validationScore` from the bundle's window verdicts on the validation windows (e.g. `fitModelBundleScored`'s training verdicts). */
export async function validationScoreOf(
  bundle: Pick<ModelBundle, 'params'>,
  verdicts: readonly WindowVerdict[],
  windows: WindowData,
  labels: AnomalyLabel[] | undefined,
): Promise<{ value: number; details: Record<string, number> }> {
  const flagged = verdicts.filter((v) => v.anomalous);
  const rate = flagged.length / Math.max(1, verdicts.length);
  if (labels?.length) {
    const { evaluateDetections } = await import('../eventEvaluation');
    const detections = flagged.map((v) => ({
      entity_kind: 'window' as const,
      entity_key: '',
      service: windows.matrix.service[v.row],
      window_start: windows.matrix.windowStart[v.row],
      window_end: windows.matrix.windowStart[v.row] + 60_000,
      anomaly_type: null,
    }));
    const e = evaluateDetections(
      detections,
      labels.filter((l) => !l.session_ids),
    );
    return { value: e.f1, details: { validationPrecision: e.precision, validationRecall: e.recall, validationF1: e.f1, validationAnomalyRate: rate } };
  }
  const target = windowAlertRate(bundle.params);
  const value = rate === 0 && target === 0 ? 1 : Math.min(rate, target) / Math.max(rate, target);
  return { value, details: { validationAnomalyRate: rate } };
}
