import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { fitRobustBaseline, groupRows, type FeatureKind, type RobustBaselineModel, type RobustBaselineParams, type ServiceBaseline } from './robustBaseline';
import { quantileSorted } from '../quantiles';
import { finiteCopy, MAD_TO_SIGMA, medianInPlace } from './robustStats';
import type { FeatureMatrix } from './types';

/** Three services over two days of 1-minute windows, with missing latencies and a few negative values. */
function windows(seed: number): FeatureMatrix {
  const random = createRandom(seed);
  const services = ['web', 'api', 'db'];
  const columns = ['count', 'error_count', 'latency_p95', 'count_roll_z'];
  const service: string[] = [];
  const starts: number[] = [];
  const data: number[] = [];
  for (let minute = 0; minute < 2 * 1440; minute++)
    for (const s of services) {
      service.push(s);
      starts.push(Date.UTC(2026, 0, 5) + minute * 60_000);
      data.push(50 + random.int(100), random.int(3), s === 'db' || random.next() < 0.1 ? NaN : 20 * (1 + random.next()), random.next() * 4 - 2);
    }
  return { columns, rows: service.length, data: Float64Array.from(data), service, windowStart: Float64Array.from(starts) };
}

// The fit as it was before its statistics went per column through one scratch array (decision
// train-fast): the model must not change by a bit.
type BucketStats = { n: number; median: number[]; spread: number[] } | null;
const HOUR_MS = 3_600_000;
const hourOfWeek = (ms: number) => (Math.floor(ms / HOUR_MS) + 72) % 168;
const hourOfDay = (ms: number) => Math.floor(ms / HOUR_MS) % 24;
const transform = (kind: FeatureKind, v: number) => (kind === 'log' || kind === 'logCount' ? Math.log1p(Math.max(v, 0)) : v);
function referenceBucketStats(x: FeatureMatrix, rows: readonly number[], relativeFloor: number, kinds: readonly FeatureKind[]): BucketStats {
  if (rows.length === 0) return null;
  const cols = x.columns.length;
  const median: number[] = [];
  const spread: number[] = [];
  const values = new Float64Array(rows.length);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows.length; i++) values[i] = transform(kinds[j], x.data[rows[i] * cols + j]);
    const finite = finiteCopy(values);
    const m = medianInPlace(finite);
    let meanAd = 0;
    for (let i = 0; i < finite.length; i++) {
      finite[i] = Math.abs(finite[i] - m);
      meanAd += finite[i];
    }
    meanAd = finite.length ? meanAd / finite.length : 0;
    const mad = medianInPlace(finite);
    median.push(Number.isNaN(m) ? 0 : m);
    const madSigma = Number.isNaN(mad) ? 0 : MAD_TO_SIGMA * mad;
    // Volumes: the MAD alone (meanAD only when MAD is 0), so a spike or drop inside the training
    // data cannot widen its own yardstick: on one day of history a ×7 spike had z 3.9 with the
    // meanAD in, 5.2 without (decision 29). Heavy-tailed latencies keep the larger of the two, but
    // with each deviation capped at 3 MAD-sigmas (a winsorized meanAD): a ×10 degradation that
    // filled 13 of its hour's 60 training windows grew the plain meanAD until z was 3.3 (decision 42).
    let scale: number;
    if (kinds[j] === 'logCount') scale = madSigma > 0 ? madSigma : 1.2533 * meanAd;
    else if (kinds[j] === 'log' && madSigma > 0) {
      let capped = 0;
      for (let i = 0; i < finite.length; i++) capped += Math.min(finite[i], 3 * madSigma);
      scale = Math.max(madSigma, (1.2533 * capped) / finite.length);
    } else scale = Math.max(madSigma, 1.2533 * meanAd);
    spread.push(Math.max(scale, relativeFloor * Math.abs(Number.isNaN(m) ? 0 : m), 1e-9));
  }
  return { n: rows.length, median, spread };
}

function referenceFit(x: FeatureMatrix, params: RobustBaselineParams = {}): RobustBaselineModel {
  const cols = x.columns.length;
  if (x.rows < 1 || cols < 1) throw new Error(`robust_baseline: need at least 1 row and 1 column, got ${x.rows}×${cols}`);
  const relativeFloor = params.relativeFloor ?? 0.02;
  const kinds = x.columns.map((c) => params.kinds?.[c] ?? 'value');
  const byService = new Map<string, number[]>();
  for (let i = 0; i < x.rows; i++) {
    const list = byService.get(x.service[i]) ?? [];
    list.push(i);
    byService.set(x.service[i], list);
  }
  const services: Record<string, ServiceBaseline> = {};
  for (const [service, rows] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const hod: number[][] = Array.from({ length: 24 }, () => []);
    const how: number[][] = Array.from({ length: 168 }, () => []);
    for (const r of rows) {
      hod[hourOfDay(x.windowStart[r])].push(r);
      how[hourOfWeek(x.windowStart[r])].push(r);
    }
    const p01: number[] = [];
    const p99: number[] = [];
    for (let j = 0; j < cols; j++) {
      const sorted = finiteCopy(rows.map((r) => x.data[r * cols + j])).sort();
      p01.push(quantileSorted(sorted, 0.01));
      p99.push(quantileSorted(sorted, 0.99));
    }
    services[service] = {
      overall: referenceBucketStats(x, rows, relativeFloor, kinds),
      hourOfDay: hod.map((b) => referenceBucketStats(x, b, relativeFloor, kinds)),
      hourOfWeek: how.map((b) => referenceBucketStats(x, b, relativeFloor, kinds)),
      p01,
      p99,
    };
  }
  const countIndex = x.columns.indexOf(params.countColumn ?? 'count');
  return {
    columns: [...x.columns],
    minBucketSize: params.minBucketSize ?? 30,
    upper: x.columns.map((c) => params.upperOnly?.includes(c) ?? false),
    kinds,
    countIndex,
    services,
    global: referenceBucketStats(
      x,
      Array.from({ length: x.rows }, (_, i) => i),
      relativeFloor,
      kinds,
    ),
  };
}

const kinds = { count: 'logCount', error_count: 'count', latency_p95: 'log', count_roll_z: 'value' } as const;

describe('groupRows', () => {
  it('groups rows by key in ascending row order, and refuses a key outside the groups', () => {
    const { rows, start } = groupRows(Int32Array.from([2, 0, 2, 1, 0]), 4);
    const group = (k: number) => Array.from(rows.subarray(start[k], start[k + 1]));
    expect([group(0), group(1), group(2), group(3)]).toEqual([[1, 4], [3], [0, 2], []]);
    expect(() => groupRows(Int32Array.from([0, 3]), 3)).toThrow(/key 3 at row 1/);
  });
});

describe('the robust baseline fit', () => {
  it('is the fit it was, bit for bit, on three services with missing values', () => {
    for (const seed of [1, 2, 3]) {
      const x = windows(seed);
      const fitted = fitRobustBaseline(x, { kinds, upperOnly: ['error_count'] });
      const reference = referenceFit(x, { kinds, upperOnly: ['error_count'] });
      expect(JSON.stringify(fitted)).toBe(JSON.stringify(reference));
      expect(fitted).toEqual(reference);
    }
  });
});

describe('the robust baseline fit cache', () => {
  it('gives the same model with and without it, and reuses a column only when it holds the same values', () => {
    const x = windows(1);
    const alone = fitRobustBaseline(x, { kinds });
    const cache = new Map<string, unknown>();
    expect(fitRobustBaseline(x, { kinds }, cache)).toEqual(alone);
    // A second fit on other columns of the same rows: the shared columns come from the cache, as they were.
    const some: FeatureMatrix = {
      ...x,
      columns: ['latency_p95', 'count'],
      data: Float64Array.from({ length: x.rows * 2 }, (_, i) => x.data[Math.floor(i / 2) * 4 + (i % 2 ? 0 : 2)]),
    };
    expect(fitRobustBaseline(some, { kinds }, cache)).toEqual(fitRobustBaseline(some, { kinds }));
    // Same column names, other values: fitted afresh, not taken from the cache.
    const other = windows(2);
    const shifted: FeatureMatrix = { ...other, service: x.service, windowStart: x.windowStart };
    expect(fitRobustBaseline(shifted, { kinds }, cache)).toEqual(fitRobustBaseline(shifted, { kinds }));
    expect(fitRobustBaseline(shifted, { kinds }, cache)).not.toEqual(alone);
  });
});
