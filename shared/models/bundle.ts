/**
 * The model bundle `train` fits and `score` applies: every window detector with its calibration,
 * the session model, and the training profiles that `monitor` compares new data with. It is plain
 * JSON (models/<name>/v<version>/model.json), so one version and one input give one verdict.
 */
import { BadInputError } from '../errors';
import { calibrate, ecdf, severityOf, type Calibration } from '../detectors/calibration';
import { MATRIX_DETECTORS, checkDetectorNames, sessionDetectors, windowDetectors } from '../detectors/registry';
import { explainRareTemplates, fitRareTemplates, rareTemplatesFromArtifact, scoreRareTemplates, type RareTemplatesModel } from '../detectors/rareTemplates';
import { explainRobustBaseline, fitRobustBaseline, robustBaseline, robustZMatrix, type FeatureKind, type RobustBaselineModel } from '../detectors/robustBaseline';
import type { Contribution, FeatureMatrix } from '../detectors/types';
import { medianOfThree } from '../detectors/persistence';
import { quantileSorted } from '../quantiles';
import { explainLstm, fitLstm, lstmFromArtifact, lstmToArtifact, scoreLstm, type LstmModel, type LstmParams } from '../detectors/lstmAutoencoder';
import { loadTensorflow } from '../tensorflow';
import type { AnomalyLabel } from '../schemas';
import { fitSessionModel, loadSessionModel, scoreQuantiles, scoreSessions, type AlertRate, type LiveSessionModel, type SessionModel, type SessionVerdict } from './sessionModel';
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
  lstm?: LstmParams;
}

export interface DetectorEntry {
  name: string;
  artifact: unknown;
  calibration: Calibration;
  /** isolation_forest: a robust_baseline artifact whose per-service seasonal z-scores are the forest's input. */
  scaler?: unknown;
}

interface LiveDetector {
  model: unknown;
  scaler?: RobustBaselineModel;
  /** lstm_autoencoder: per-feature errors of the last scoring, for explanations. */
  errors?: Float32Array;
}

/** Detectors that see robust z-scores (the scaler) instead of raw feature units. */
const SCALED = ['isolation_forest', 'lstm_autoencoder'];

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
  version: 2;
  params: BundleParams;
  windows: {
    columns: string[];
    detectors: DetectorEntry[];
    combinedThreshold: number;
    /** 'median3': matrix detectors' scores pass a 3-window median filter per service (see detectors/persistence). */
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

/** What counts for whom: error and latency features only deviate upward; counts and rates get noise floors. */
const UPPER_ONLY = /^(error|warn|latency|status_)/;
const COUNT_LIKE = /^(error_count|warn_count|distinct_templates)$/;
const VOLUME_LIKE = /^(count|distinct_users)$/;
const RATE_LIKE = /_rate$/;
/** Absolute floors: below them a detector never fires, whatever the alert rate (a quiet day raises nothing). */
const FLOORS: Record<string, number> = { robust_baseline: 4, isolation_forest: 0.6, rare_templates: 1.8, lstm_autoencoder: 0.1 };

/**
 * The baseline skips new_templates (rare_templates owns novelty) and the rates: their numerators
 * (error_count, ...) carry the same signal with an honest Poisson floor, while a rate of a quiet
 * window (1 error in 5 lines) swings wildly. Likewise latency_mean and latency_p99 follow single slow
 * requests; p50 and p95 show a degradation without that noise (measured: most baseline false alarms
 * on generated data were p99/mean of quiet windows). It also skips warn_count and distinct_users:
 * warnings come in clusters (a failed login logs twice), and distinct users is a thinned copy of
 * count, so their Poisson floors are too tight; error_count and count carry bursts and drops
 * (decision 26: per-type precision on four generator seeds).
 */
const BASELINE_SKIPS = ['new_templates', 'latency_mean', 'latency_p99', 'warn_count', 'distinct_users'];
export function baselineColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => !BASELINE_SKIPS.includes(c) && !RATE_LIKE.test(c));
}

/** The forest sees every signal but the status rates, whose denominators (requests with a status) are tiny in quiet windows. */
export function forestColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => !c.startsWith('status_'));
}

/**
 * A forest verdict must name a concrete deviation: rows where no input feature is at least this many
 * robust standard deviations from its seasonal median score 0. Without it the forest flagged quiet
 * minutes with 2–3 background errors (no feature past 3σ, nothing a person could act on).
 */
const FOREST_MIN_DEVIATION = 3;

export function requireDeviation(scores: Float64Array, z: FeatureMatrix, minAbsZ: number): Float64Array {
  const k = z.columns.length;
  for (let r = 0; r < z.rows; r++) {
    let top = 0;
    for (let j = 0; j < k; j++) {
      const v = Math.abs(z.data[r * k + j]);
      if (v > top) top = v; // NaN (no latency in an empty window) never wins
    }
    if (top < minAbsZ) scores[r] = 0;
  }
  return scores;
}

/** The window features a matrix detector reads (the LSTM autoencoder reads them all). */
function detectorColumns(name: string, columns: readonly string[]): readonly string[] {
  if (name === 'robust_baseline') return baselineColumns(columns);
  if (name === 'isolation_forest') return forestColumns(columns);
  return columns;
}

function baselineParams(columns: readonly string[]) {
  const kinds: Record<string, FeatureKind> = {};
  for (const c of columns) kinds[c] = VOLUME_LIKE.test(c) ? 'logCount' : COUNT_LIKE.test(c) ? 'count' : RATE_LIKE.test(c) ? 'rate' : /^latency_/.test(c) ? 'log' : 'value';
  return { upperOnly: columns.filter((c) => UPPER_ONLY.test(c)), kinds };
}

function detectorParams(name: string, columns: readonly string[], params: BundleParams): Record<string, unknown> {
  if (name === 'robust_baseline') return baselineParams(columns);
  if (name === 'isolation_forest') return { seed: params.seed, contamination: windowAlertRate(params) };
  return {};
}

function select(x: FeatureMatrix, columns: readonly string[]): FeatureMatrix {
  const idx = columns.map((c) => {
    const k = x.columns.indexOf(c);
    if (k < 0) throw new BadInputError(`the window features have no column "${c}"; rerun \`sentinel features\``);
    return k;
  });
  const data = new Float64Array(x.rows * columns.length);
  for (let r = 0; r < x.rows; r++) for (let j = 0; j < idx.length; j++) data[r * columns.length + j] = x.data[r * x.columns.length + idx[j]];
  return { ...x, columns, data };
}

interface RawScores {
  raw: Map<string, Float64Array>;
}

/** The matrix a matrix detector sees: its columns, z-scaled first when it has a scaler. */
function inputFor(name: string, live: LiveDetector, columns: readonly string[], x: FeatureMatrix): FeatureMatrix {
  const selected = select(x, detectorColumns(name, columns));
  return live.scaler ? robustZMatrix(live.scaler, selected) : selected;
}

async function rawScores(bundle: Pick<ModelBundle, 'windows'>, data: WindowData, models: Map<string, LiveDetector>): Promise<RawScores> {
  const raw = new Map<string, Float64Array>();
  for (const d of bundle.windows.detectors) {
    const live = models.get(d.name)!;
    if (d.name === 'rare_templates') raw.set(d.name, scoreRareTemplates(live.model as RareTemplatesModel, data.matrix.service, data.templates));
    else {
      let scores: Float64Array;
      const input = inputFor(d.name, live, bundle.windows.columns, data.matrix);
      if (d.name === 'lstm_autoencoder') {
        const result = await scoreLstm((await loadTensorflow()).tf, live.model as LstmModel, input);
        live.errors = result.errors;
        scores = result.scores;
      } else scores = await MATRIX_DETECTORS[d.name].score(live.model, input);
      if (d.name === 'isolation_forest') requireDeviation(scores, input, FOREST_MIN_DEVIATION);
      const m = data.matrix;
      raw.set(d.name, bundle.windows.persistence === 'none' ? scores : medianOfThree(scores, m.service, m.windowStart, data.windowSeconds * 1000));
    }
  }
  return { raw };
}

function combined(bundle: Pick<ModelBundle, 'windows' | 'params'>, raw: RawScores, row: number): number {
  const entries = bundle.windows.detectors;
  if ((bundle.params.combine ?? 'max') === 'max') return Math.max(...entries.map((d) => ecdf(d.calibration, raw.raw.get(d.name)![row])));
  let sum = 0;
  let weight = 0;
  for (const d of entries) {
    const w = bundle.params.weights?.[d.name] ?? 1;
    sum += w * ecdf(d.calibration, raw.raw.get(d.name)![row]);
    weight += w;
  }
  return sum / weight;
}

/** Loads each detector's model once per bundle (artifacts → live models). */
export async function loadDetectors(bundle: ModelBundle): Promise<Map<string, LiveDetector>> {
  const models = new Map<string, LiveDetector>();
  for (const d of bundle.windows.detectors) {
    const model =
      d.name === 'rare_templates' ? rareTemplatesFromArtifact(d.artifact)
      : d.name === 'lstm_autoencoder' ? await lstmFromArtifact((await loadTensorflow()).tf, d.artifact)
      : MATRIX_DETECTORS[d.name].fromArtifact(d.artifact);
    models.set(d.name, { model, scaler: d.scaler ? robustBaseline.fromArtifact(d.scaler) : undefined });
  }
  return models;
}

function windowThreshold(entry: DetectorEntry, scores: Float64Array, alertRate: number): WindowThreshold {
  const { threshold } = entry.calibration;
  const quantile = quantileSorted(Float64Array.from(scores).sort(), 1 - alertRate);
  const above = scores.reduce((n, s) => n + (s >= threshold ? 1 : 0), 0);
  return { detector: entry.name, threshold, source: quantile >= threshold ? 'quantile' : 'floor', trainingShare: above / Math.max(1, scores.length) };
}

function describeWindowThreshold(t: WindowThreshold): string {
  const share = `${(100 * t.trainingShare).toFixed(2)} % of training windows at or above it`;
  return t.source === 'floor'
    ? `${t.detector}: threshold ${Number(t.threshold.toPrecision(3))} is the floor, above the alert-rate quantile: the alert rate has no effect (${share})`
    : `${t.detector}: threshold ${Number(t.threshold.toPrecision(3))} from the alert-rate quantile of training scores (${share})`;
}

export async function fitModelBundle(windows: WindowData, sessions: SessionData, params: BundleParams, progress: (line: string) => void = () => {}): Promise<ModelBundle> {
  checkDetectorNames(params.detectors);
  const columns = [...windows.matrix.columns];
  const entries: DetectorEntry[] = [];
  const models = new Map<string, LiveDetector>();
  for (const name of windowDetectors(params.detectors)) {
    const started = performance.now();
    const entry: DetectorEntry = { name, artifact: undefined, calibration: { quantiles: [], threshold: 0, severitySpan: 1 } };
    if (name === 'rare_templates') entry.artifact = fitRareTemplates(windows.matrix.service, windows.templates);
    else {
      let input = select(windows.matrix, detectorColumns(name, columns));
      if (SCALED.includes(name)) {
        const scaler = fitRobustBaseline(input, baselineParams(input.columns));
        entry.scaler = robustBaseline.toArtifact(scaler);
        input = robustZMatrix(scaler, input);
      }
      if (name === 'lstm_autoencoder') {
        const { tf, backend } = await loadTensorflow();
        progress(`lstm_autoencoder: tensorflow backend ${backend}`);
        entry.artifact = await lstmToArtifact(tf, await fitLstm(tf, input, { seed: params.seed, ...params.lstm }, progress));
      } else {
        const detector = MATRIX_DETECTORS[name];
        entry.artifact = detector.toArtifact(await detector.fit(input, detectorParams(name, input.columns, params)));
      }
    }
    // Score through the JSON artifact, as `score` will: a serialization bug shows up at training time.
    Object.assign(entry, JSON.parse(JSON.stringify({ artifact: entry.artifact, scaler: entry.scaler })));
    models.set(name, (await loadDetectors({ windows: { detectors: [entry] } } as ModelBundle)).get(name)!);
    entries.push(entry);
    progress(`${name}: fitted on ${windows.matrix.rows} windows in ${Math.round(performance.now() - started)} ms`);
  }
  const partial = { params, windows: { columns, detectors: entries, combinedThreshold: 1, persistence: params.persistence ?? 'median3', thresholds: [] as WindowThreshold[] } };
  const raw = await rawScores(partial, windows, models);
  for (const e of entries) {
    const floor = FLOORS[e.name] ?? 0;
    e.calibration = calibrate(raw.raw.get(e.name)!, windowAlertRate(params), floor, e.name === 'isolation_forest' ? 0.15 : undefined);
    const threshold = windowThreshold(e, raw.raw.get(e.name)!, windowAlertRate(params));
    partial.windows.thresholds.push(threshold);
    progress(describeWindowThreshold(threshold));
  }
  const combinedScores = Float64Array.from({ length: windows.matrix.rows }, (_, r) => combined(partial, raw, r));
  const sortedCombined = Float64Array.from(combinedScores).sort();
  partial.windows.combinedThreshold = sortedCombined[Math.min(sortedCombined.length - 1, Math.floor((1 - windowAlertRate(params)) * sortedCombined.length))];
  const verdicts = windowVerdicts({ ...partial, sessions: null } as unknown as ModelBundle, raw, combinedScores);
  const flagged = verdicts.filter((v) => v.anomalous).length;

  const profiles: Record<string, FeatureProfile> = {};
  columns.forEach((c, j) => {
    const values = Float64Array.from({ length: windows.matrix.rows }, (_, r) => windows.matrix.data[r * columns.length + j]);
    profiles[c] = profileOf(values);
  });
  const vocabulary = new Set<string>();
  for (const t of windows.templates) for (const id of t.keys()) vocabulary.add(id);
  const sessionModel = sessions.ids.length >= 10 ? await fitSessionModel(sessions.sequences, { detectors: sessionDetectors(params.detectors), alertRate: params.alertRate, seed: params.seed, starts: sessions.start }, progress) : null;
  if (!sessionModel) progress(`sessions: only ${sessions.ids.length} sessions, no session model`);
  return {
    kind: 'log-sentinel/bundle',
    version: 2,
    params,
    windows: partial.windows,
    sessions: sessionModel,
    profiles,
    scoreQuantiles: scoreQuantiles(combinedScores),
    expectedAnomalyRate: flagged / Math.max(1, windows.matrix.rows),
    vocabulary: [...vocabulary].sort(),
  };
}

export interface WindowVerdict {
  row: number;
  score: number;
  severity: number;
  anomalous: boolean;
  detectors: string[];
}

function windowVerdicts(bundle: ModelBundle, raw: RawScores, combinedScores: Float64Array): WindowVerdict[] {
  const max = (bundle.params.combine ?? 'max') === 'max';
  return Array.from(combinedScores, (score, row) => {
    const fired = bundle.windows.detectors.filter((d) => raw.raw.get(d.name)![row] >= d.calibration.threshold).map((d) => d.name);
    const anomalous = max ? fired.length > 0 : score >= bundle.windows.combinedThreshold && fired.length > 0;
    const severity = Math.max(0, ...bundle.windows.detectors.map((d) => severityOf(d.calibration, raw.raw.get(d.name)![row])));
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

/** Verdicts of the bundle's session detectors on these sequences (none when it has no session model). */
export async function scoreSessionSequences(live: LiveSessionModel | null, sequences: readonly string[][]): Promise<SessionVerdict[]> {
  return live && sequences.length ? scoreSessions(live, sequences) : [];
}

/** Scores windows (and sessions, when the bundle has a session model). */
export async function scoreBundle(bundle: ModelBundle, windows: WindowData, sessions: SessionData): Promise<BundleScores> {
  if (bundle.kind !== 'log-sentinel/bundle' || bundle.version !== 2) throw new BadInputError(`unsupported model artifact (kind ${bundle.kind}, version ${bundle.version}); retrain with \`sentinel train\``);
  const models = await loadDetectors(bundle);
  const raw = await rawScores(bundle, windows, models);
  const combinedScores = Float64Array.from({ length: windows.matrix.rows }, (_, r) => combined(bundle, raw, r));
  const verdicts = windowVerdicts(bundle, raw, combinedScores);
  const sessionVerdicts = await scoreSessionSequences(await loadSessions(bundle), sessions.sequences);
  const explain = (row: number, top = 5): Contribution[] => {
    const v = verdicts[row];
    const names = v.detectors.length ? v.detectors : bundle.windows.detectors.map((d) => d.name);
    const out: Contribution[] = [];
    for (const name of names) {
      const live = models.get(name)!;
      if (name === 'rare_templates') out.push(...explainRareTemplates(live.model as RareTemplatesModel, windows.matrix.service[row], windows.templates[row], 3));
      else {
        const m = windows.matrix;
        const one = { ...m, rows: 1, data: m.data.subarray(row * m.columns.length, (row + 1) * m.columns.length), service: [m.service[row]], windowStart: m.windowStart.subarray(row, row + 1) };
        if (name === 'lstm_autoencoder' && live.scaler && live.errors) {
          const byZ = new Map(explainRobustBaseline(live.scaler, select(one, live.scaler.columns), 0, live.scaler.columns.length).map((c) => [c.feature, c]));
          const lstm = live.model as LstmModel;
          const rowErrors = live.errors.subarray(row * lstm.columns.length, (row + 1) * lstm.columns.length);
          out.push(...explainLstm(lstm, inputFor(name, live, bundle.windows.columns, one), rowErrors, 0, 3).map((c) => byZ.get(c.feature) ?? c));
        } else if (name === 'isolation_forest' && live.scaler) {
          // The forest ranks features by isolation credit; report them in the units people know (value vs median).
          const byZ = new Map(explainRobustBaseline(live.scaler, select(one, live.scaler.columns), 0, live.scaler.columns.length).map((c) => [c.feature, c]));
          out.push(...MATRIX_DETECTORS[name].explain(live.model, inputFor(name, live, bundle.windows.columns, one), 0, 3).map((c) => byZ.get(c.feature) ?? c));
        } else out.push(...MATRIX_DETECTORS[name].explain(live.model, inputFor(name, live, bundle.windows.columns, one), 0, 3));
      }
    }
    const seen = new Set<string>();
    return out.filter((c) => !seen.has(c.feature) && seen.add(c.feature)).slice(0, top);
  };
  return { windows: verdicts, sessions: sessionVerdicts, explain };
}

/**
 * One number to compare a candidate with production on the same validation day: F1 against labels
 * when the day has labels, otherwise how close the flagged share is to the target alert rate
 * (1 = exactly on target), so a model that suddenly flags everything or nothing loses.
 */
export async function validationScore(bundle: ModelBundle, windows: WindowData, sessions: SessionData, labels: AnomalyLabel[] | undefined, _files?: unknown): Promise<{ value: number; details: Record<string, number> }> {
  const scores = await scoreBundle(bundle, windows, sessions);
  const flagged = scores.windows.filter((v) => v.anomalous);
  const rate = flagged.length / Math.max(1, scores.windows.length);
  if (labels && labels.length) {
    const { evaluateDetections } = await import('../eventEvaluation');
    const detections = flagged.map((v) => ({ entity_kind: 'window' as const, entity_key: '', service: windows.matrix.service[v.row], window_start: windows.matrix.windowStart[v.row], window_end: windows.matrix.windowStart[v.row] + 60_000, anomaly_type: null }));
    const e = evaluateDetections(detections, labels.filter((l) => !l.session_ids));
    return { value: e.f1, details: { validationPrecision: e.precision, validationRecall: e.recall, validationF1: e.f1, validationAnomalyRate: rate } };
  }
  const target = windowAlertRate(bundle.params);
  const value = rate === 0 && target === 0 ? 1 : Math.min(rate, target) / Math.max(rate, target);
  return { value, details: { validationAnomalyRate: rate } };
}
