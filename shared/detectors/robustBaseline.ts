/**
 * The statistical baseline: robust z-scores per feature and service with hour-of-week seasonality.
 *
 * For each service, every feature gets a median and a robust spread in three buckets: the hour of
 * the week (168), the hour of the day (24) and the whole service. Scoring uses the most specific
 * bucket that has at least `minBucketSize` training windows, so the detector works from the first
 * day (hour of day) and sharpens once a week of history exists (hour of week): cold start included.
 *
 * Spread = max(1.4826·MAD, 1.2533·meanAD, relativeFloor·|median|) — the meanAD fallback is the usual
 * rule when more than half the values are equal (MAD = 0, e.g. error counts that are mostly zero).
 * Volumes use the MAD alone unless it is 0: the meanAD grows with the anomalies in the training data.
 * Count features also get a Poisson floor √median, and rate features a binomial floor
 * √(p(1−p)/n) with n the row's own record count: a quiet window's 1 error in 5 lines is not a burst.
 * Heavy-tailed features (latencies) are compared on a log scale (kind 'log'): ×2 is as unusual at
 * 20 ms as at 2 s, and a single slow request in a quiet window no longer looks like an outage.
 * Volumes (kind 'logCount') too, with the Poisson floor 1/√λ on that scale: a drop to 5 % is as
 * visible as a 20× spike, which a linear z (bounded by median/spread below) cannot show.
 * Percentile bounds (p1, p99 per service) are kept for explanations.
 */
import { BadInputError } from '../errors';
import { quantileSorted } from '../quantiles';
import { MAD_TO_SIGMA, medianInPlace } from './robustStats';
import type { Contribution, Detector, FeatureMatrix } from './types';

export type FeatureKind = 'count' | 'logCount' | 'rate' | 'log' | 'value';

export interface RobustBaselineParams {
  /** Windows a bucket needs before it is used; otherwise the next coarser bucket. Default 30. */
  minBucketSize?: number;
  /** Features whose low values are not anomalous (error rates, latencies): only upward deviations count. */
  upperOnly?: readonly string[];
  /** count: Poisson floor on the spread; rate: binomial floor using `countColumn`. Default 'value'. */
  kinds?: Readonly<Record<string, FeatureKind>>;
  /** The column holding each window's record count (for rate floors). Default 'count'. */
  countColumn?: string;
  relativeFloor?: number;
}

/** Per bucket and feature: [median, spread]; null when the bucket is too small. */
type BucketStats = { n: number; median: number[]; spread: number[] } | null;

export interface ServiceBaseline {
  overall: BucketStats;
  hourOfDay: BucketStats[];
  hourOfWeek: BucketStats[];
  p01: number[];
  p99: number[];
}

export interface RobustBaselineModel {
  columns: string[];
  minBucketSize: number;
  upper: boolean[];
  kinds: FeatureKind[];
  countIndex: number;
  services: Record<string, ServiceBaseline>;
  /** For services never seen in training. */
  global: BucketStats;
}

const HOUR_MS = 3_600_000;
/** 1970-01-01 was a Thursday: shift so that hour-of-week 0 is Monday 00:00 UTC. */
const hourOfWeek = (ms: number) => (Math.floor(ms / HOUR_MS) + 72) % 168;
const hourOfDay = (ms: number) => Math.floor(ms / HOUR_MS) % 24;

const transform = (kind: FeatureKind, v: number) => (kind === 'log' || kind === 'logCount' ? Math.log1p(Math.max(v, 0)) : v);

/**
 * A column's median and spread in one bucket (its rows ascending), written to `out[b]`; `scratch`
 * is at least `rows.length` long. The values go through the same steps in the same order as ever
 * (NaN dropped, selection, deviations summed in the selection's order), so the statistics do not
 * change by a bit; one scratch array serves every bucket and column, where two new arrays per
 * column per bucket were most of the fit's garbage.
 */
function bucketColumnStats(
  column: Float64Array,
  rows: Int32Array,
  kind: FeatureKind,
  relativeFloor: number,
  scratch: Float64Array,
  out: ColumnStats,
  b: number,
): void {
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = column[rows[i]];
    if (!Number.isNaN(v)) scratch[n++] = v;
  }
  const finite = scratch.subarray(0, n);
  const m = medianInPlace(finite);
  let meanAd = 0;
  for (let i = 0; i < n; i++) {
    finite[i] = Math.abs(finite[i] - m);
    meanAd += finite[i];
  }
  meanAd = n ? meanAd / n : 0;
  const mad = medianInPlace(finite);
  out.median[b] = Number.isNaN(m) ? 0 : m;
  const madSigma = Number.isNaN(mad) ? 0 : MAD_TO_SIGMA * mad;
  // Volumes: the MAD alone (meanAD only when MAD is 0), so a spike or drop inside the training
  // data cannot widen its own yardstick: on one day of history a ×7 spike had z 3.9 with the
  // meanAD in, 5.2 without (decision 29). Heavy-tailed latencies keep the larger of the two, but
  // with each deviation capped at 3 MAD-sigmas (a winsorized meanAD): a ×10 degradation that
  // filled 13 of its hour's 60 training windows grew the plain meanAD until z was 3.3 (decision 42).
  let scale: number;
  if (kind === 'logCount') scale = madSigma > 0 ? madSigma : 1.2533 * meanAd;
  else if (kind === 'log' && madSigma > 0) {
    let capped = 0;
    for (let i = 0; i < n; i++) capped += Math.min(finite[i], 3 * madSigma);
    scale = Math.max(madSigma, (1.2533 * capped) / n);
  } else scale = Math.max(madSigma, 1.2533 * meanAd);
  out.spread[b] = Math.max(scale, relativeFloor * Math.abs(Number.isNaN(m) ? 0 : m), 1e-9);
}

/**
 * Rows grouped by a small integer key in [0, groups), each group in ascending row order (a
 * counting sort): group k is `rows.subarray(start[k], start[k + 1])`.
 */
export function groupRows(keys: Int32Array, groups: number): { rows: Int32Array; start: Int32Array } {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < keys.length; i++) {
    if (!(keys[i] >= 0 && keys[i] < groups)) throw new RangeError(`groupRows: key ${keys[i]} at row ${i} is outside [0, ${groups})`);
    start[keys[i] + 1]++;
  }
  for (let k = 0; k < groups; k++) start[k + 1] += start[k];
  const next = start.slice(0, groups);
  const rows = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) rows[next[keys[i]]++] = i;
  return { rows, start };
}

/** Buckets per service: the service, then each hour of the day, then each hour of the week. */
const PER_SERVICE = 1 + 24 + 168;

/**
 * The rows of every bucket: service s (in name order) owns buckets s·PER_SERVICE + [0: all of its
 * rows, 1 + hour of day, 25 + hour of week]; the last bucket is every row (the global fallback).
 */
interface Buckets {
  services: string[];
  rows: Int32Array[];
}

function bucketsOf(x: FeatureMatrix): Buckets {
  const serviceIds = new Map<string, number>();
  for (let i = 0; i < x.rows; i++) if (!serviceIds.has(x.service[i])) serviceIds.set(x.service[i], serviceIds.size);
  const serviceOf = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) serviceOf[i] = serviceIds.get(x.service[i])!;
  const byService = groupRows(serviceOf, serviceIds.size);
  const sorted = [...serviceIds].sort(([a], [b]) => a.localeCompare(b));
  const rows: Int32Array[] = [];
  for (const [, id] of sorted) {
    const own = byService.rows.subarray(byService.start[id], byService.start[id + 1]);
    rows.push(own);
    for (const [keyOf, groups] of [
      [hourOfDay, 24],
      [hourOfWeek, 168],
    ] as const) {
      const keys = new Int32Array(own.length);
      for (let i = 0; i < own.length; i++) keys[i] = keyOf(x.windowStart[own[i]]);
      const g = groupRows(keys, groups);
      // g.rows index into `own`: back to matrix rows, still ascending.
      const matrixRows = Int32Array.from(g.rows, (i) => own[i]);
      for (let k = 0; k < groups; k++) rows.push(matrixRows.subarray(g.start[k], g.start[k + 1]));
    }
  }
  rows.push(Int32Array.from({ length: x.rows }, (_, i) => i));
  return { services: sorted.map(([name]) => name), rows };
}

/** One column's statistics: median and spread per bucket (Buckets order), p1 and p99 of the raw values per service. */
interface ColumnStats {
  median: Float64Array;
  spread: Float64Array;
  p01: Float64Array;
  p99: Float64Array;
}

function columnStats(x: FeatureMatrix, j: number, kind: FeatureKind, buckets: Buckets, relativeFloor: number, scratch: Float64Array): ColumnStats {
  const cols = x.columns.length;
  const transformed = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) transformed[r] = transform(kind, x.data[r * cols + j]);
  const out: ColumnStats = {
    median: new Float64Array(buckets.rows.length),
    spread: new Float64Array(buckets.rows.length),
    p01: new Float64Array(buckets.services.length),
    p99: new Float64Array(buckets.services.length),
  };
  buckets.rows.forEach((rows, b) => {
    if (rows.length) bucketColumnStats(transformed, rows, kind, relativeFloor, scratch, out, b);
  });
  buckets.services.forEach((_, s) => {
    const rows = buckets.rows[s * PER_SERVICE];
    let n = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = x.data[rows[i] * cols + j];
      if (!Number.isNaN(v)) scratch[n++] = v;
    }
    const sorted = scratch.subarray(0, n).sort();
    out.p01[s] = quantileSorted(sorted, 0.01);
    out.p99[s] = quantileSorted(sorted, 0.99);
  });
  return out;
}

/**
 * Fits on the same windows can share their work: the window baseline and the forest's scaler fit
 * the same columns of one matrix with the same kinds. A cache (one per bundle fit, see
 * WindowFitContext.shared) keeps each column's statistics with the inputs they came from; a later
 * fit uses them only when its column holds the same values (Object.is, value by value) and its
 * rows the same services and window starts (the same arrays), so the model is the same either way.
 */
export type RobustFitCache = Map<string, unknown>;

interface CachedColumn {
  service: readonly string[];
  windowStart: Float64Array;
  values: Float64Array;
  stats: ColumnStats;
}

function sameColumn(entry: CachedColumn, x: FeatureMatrix, j: number): boolean {
  if (entry.service !== x.service || entry.windowStart !== x.windowStart || entry.values.length !== x.rows) return false;
  const cols = x.columns.length;
  for (let r = 0; r < x.rows; r++) if (!Object.is(entry.values[r], x.data[r * cols + j])) return false;
  return true;
}

export function fitRobustBaseline(x: FeatureMatrix, params: RobustBaselineParams = {}, cache?: RobustFitCache): RobustBaselineModel {
  const cols = x.columns.length;
  if (x.rows < 1 || cols < 1) throw new BadInputError(`robust_baseline: need at least 1 row and 1 column, got ${x.rows}×${cols}`);
  const relativeFloor = params.relativeFloor ?? 0.02;
  const kinds = x.columns.map((c) => params.kinds?.[c] ?? 'value');
  const cachedBuckets = cache?.get('robust_baseline:buckets') as { service: readonly string[]; windowStart: Float64Array; buckets: Buckets } | undefined;
  const buckets =
    cachedBuckets && cachedBuckets.service === x.service && cachedBuckets.windowStart === x.windowStart && cachedBuckets.buckets.rows.at(-1)!.length === x.rows
      ? cachedBuckets.buckets
      : bucketsOf(x);
  cache?.set('robust_baseline:buckets', { service: x.service, windowStart: x.windowStart, buckets });
  const scratch = new Float64Array(x.rows);
  const stats = x.columns.map((name, j) => {
    const key = `robust_baseline:column:${name}:${kinds[j]}:${relativeFloor}`;
    const cached = cache?.get(key) as CachedColumn | undefined;
    if (cached && sameColumn(cached, x, j)) return cached.stats;
    const computed = columnStats(x, j, kinds[j], buckets, relativeFloor, scratch);
    cache?.set(key, {
      service: x.service,
      windowStart: x.windowStart,
      values: Float64Array.from({ length: x.rows }, (_, r) => x.data[r * cols + j]),
      stats: computed,
    });
    return computed;
  });
  const bucket = (b: number): BucketStats => {
    const n = buckets.rows[b].length;
    if (n === 0) return null;
    return { n, median: stats.map((c) => c.median[b]), spread: stats.map((c) => c.spread[b]) };
  };
  const services: Record<string, ServiceBaseline> = {};
  buckets.services.forEach((service, s) => {
    const first = s * PER_SERVICE;
    services[service] = {
      overall: bucket(first),
      hourOfDay: Array.from({ length: 24 }, (_, h) => bucket(first + 1 + h)),
      hourOfWeek: Array.from({ length: 168 }, (_, h) => bucket(first + 25 + h)),
      p01: stats.map((c) => c.p01[s]),
      p99: stats.map((c) => c.p99[s]),
    };
  });
  const countIndex = x.columns.indexOf(params.countColumn ?? 'count');
  return {
    columns: [...x.columns],
    minBucketSize: params.minBucketSize ?? 30,
    upper: x.columns.map((c) => params.upperOnly?.includes(c) ?? false),
    kinds,
    countIndex,
    services,
    global: bucket(buckets.rows.length - 1),
  };
}

/** The bucket a row is compared with: hour of week, else hour of day, else the service, else global. */
function bucketFor(model: RobustBaselineModel, service: string, windowStart: number): NonNullable<BucketStats> {
  const s = model.services[service];
  const big = (b: BucketStats | undefined): b is NonNullable<BucketStats> => !!b && b.n >= model.minBucketSize;
  if (s) {
    const how = s.hourOfWeek[hourOfWeek(windowStart)];
    if (big(how)) return how;
    const hod = s.hourOfDay[hourOfDay(windowStart)];
    if (big(hod)) return hod;
    if (s.overall) return s.overall;
  }
  return model.global!;
}

function columnIndex(model: RobustBaselineModel, x: FeatureMatrix): number[] {
  return model.columns.map((c) => {
    const k = x.columns.indexOf(c);
    if (k < 0) throw new BadInputError(`robust_baseline: the matrix has no column "${c}" that the model was trained on`);
    return k;
  });
}

/** Signed robust z of every model column for one row (0 for missing values and ignored directions' sign kept). */
function rowZ(model: RobustBaselineModel, x: FeatureMatrix, idx: number[], row: number, out: Float64Array): NonNullable<BucketStats> {
  const b = bucketFor(model, x.service[row], x.windowStart[row]);
  const xc = x.columns.length;
  const n = model.countIndex >= 0 ? x.data[row * xc + idx[model.countIndex]] : NaN;
  for (let j = 0; j < idx.length; j++) {
    const v = transform(model.kinds[j], x.data[row * xc + idx[j]]);
    if (Number.isNaN(v)) {
      out[j] = 0;
      continue;
    }
    const m = b.median[j];
    out[j] = (v - m) / effectiveSpread(model.kinds[j], m, b.spread[j], n);
  }
  return b;
}

/** A bucket's spread with the floor of the feature's kind; `n` is the row's record count (rate floors). */
function effectiveSpread(kind: FeatureKind, median: number, spread: number, n: number): number {
  if (kind === 'count') return Math.max(spread, Math.sqrt(Math.max(median, 1)));
  // Poisson on a log scale: sd(log X) ≈ 1/√λ.
  if (kind === 'logCount') return Math.max(spread, 1 / Math.sqrt(Math.max(Math.expm1(median), 1)));
  if (kind === 'rate' && n > 0) {
    const p = Math.min(Math.max(median, 0.5 / Math.max(n, 1)), 1 - 1e-6);
    return Math.max(spread, Math.sqrt((p * (1 - p)) / n));
  }
  return spread;
}

/**
 * What the detector calls normal for one feature of one window: the values whose robust z stays
 * within ±k (k: the detector's threshold), on the feature's own scale. `low` is null for upward-only
 * features (no value below the median is anomalous). `count` is the window's record count (rate
 * floors). Read by the report's expected bands, never by scoring.
 */
export function expectedBand(
  model: RobustBaselineModel,
  service: string,
  windowStart: number,
  feature: string,
  k: number,
  count: number,
): { median: number; low: number | null; high: number } | undefined {
  const j = model.columns.indexOf(feature);
  if (j < 0) return undefined;
  const b = bucketFor(model, service, windowStart);
  const kind = model.kinds[j];
  const m = b.median[j];
  const spread = effectiveSpread(kind, m, b.spread[j], count);
  const back = (v: number) => (kind === 'log' || kind === 'logCount' ? Math.expm1(v) : v);
  return { median: back(m), low: model.upper[j] ? null : back(m - k * spread), high: back(m + k * spread) };
}

/** Score = the largest deviation over features, in robust standard units (upward only where configured). */
export function scoreRobustBaseline(model: RobustBaselineModel, x: FeatureMatrix): Float64Array {
  const idx = columnIndex(model, x);
  const z = new Float64Array(idx.length);
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    rowZ(model, x, idx, r, z);
    let best = 0;
    for (let j = 0; j < z.length; j++) {
      const d = model.upper[j] ? z[j] : Math.abs(z[j]);
      if (d > best) best = d;
    }
    out[r] = Math.min(best, 1e6);
  }
  return out;
}

export function explainRobustBaseline(model: RobustBaselineModel, x: FeatureMatrix, row: number, top: number): Contribution[] {
  const idx = columnIndex(model, x);
  const z = new Float64Array(idx.length);
  const b = rowZ(model, x, idx, row, z);
  const xc = x.columns.length;
  return model.columns
    .map((feature, j) => ({
      feature,
      value: x.data[row * xc + idx[j]],
      expected: model.kinds[j] === 'log' || model.kinds[j] === 'logCount' ? Math.expm1(b.median[j]) : b.median[j],
      z: z[j],
      rank: model.upper[j] ? z[j] : Math.abs(z[j]),
    }))
    .sort((a, c) => c.rank - a.rank || a.feature.localeCompare(c.feature))
    .slice(0, Math.max(0, top))
    .map(({ rank: _rank, ...c }) => c);
}

const KIND = 'robust_baseline';

export const robustBaseline: Detector<RobustBaselineModel, RobustBaselineParams> = {
  name: KIND,
  fit: async (x, params) => fitRobustBaseline(x, params),
  score: async (model, x) => scoreRobustBaseline(model, x),
  explain: explainRobustBaseline,
  // Plain numbers and nulls: JSON as is (about 200 buckets × features per service).
  toArtifact: (model) => ({ kind: KIND, version: 1, ...model }),
  fromArtifact: (artifact) => {
    const a = artifact as { kind?: string; version?: number } & RobustBaselineModel;
    if (a?.kind !== KIND || a.version !== 1) throw new BadInputError(`not a ${KIND} v1 artifact (kind ${a?.kind}, version ${a?.version})`);
    const { kind: _k, version: _v, ...model } = a as RobustBaselineModel & { kind: string; version: number };
    return model;
  },
};

/**
 * The signed robust z of every feature, as a new matrix: the Isolation Forest fits on this, so it
 * sees per-service, seasonally normalized deviations instead of raw units that differ by service.
 */
export function robustZMatrix(model: RobustBaselineModel, x: FeatureMatrix, clip = 50): FeatureMatrix {
  const idx = columnIndex(model, x);
  const z = new Float64Array(idx.length);
  const data = new Float64Array(x.rows * idx.length);
  for (let r = 0; r < x.rows; r++) {
    rowZ(model, x, idx, r, z);
    for (let j = 0; j < idx.length; j++) data[r * idx.length + j] = Math.max(-clip, Math.min(clip, z[j]));
  }
  return { ...x, columns: model.columns, data };
}
