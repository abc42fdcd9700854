/**
 * The charts' series: per service the charted window features with the band the baseline calls
 * normal, in time order, stepped up over long ranges. Pure.
 */

/** The window features the page charts, with how to print them. */
export const CHARTED_FEATURES = [
  { name: 'count', label: 'log lines', unit: 'count' },
  { name: 'error_count', label: 'errors', unit: 'count' },
  { name: 'latency_p95', label: 'latency p95', unit: 'ms' },
  { name: 'distinct_templates', label: 'distinct templates', unit: 'count' },
] as const;
export type ChartedFeature = (typeof CHARTED_FEATURES)[number]['name'];

/** One window of one service: its feature values and, when scored, its combined score. */
export interface WindowRecord {
  service: string;
  t: number;
  values: Readonly<Record<string, number>>;
  score?: number;
}

/** The band a feature's value stays in when the baseline calls it normal; low null: upward-only. */
export type BandOf = (service: string, t: number, feature: string, count: number) => { low: number | null; high: number } | undefined;

type Num = number | null;
export interface ServiceSeries {
  t: number[];
  values: Record<string, Num[]>;
  low: Record<string, Num[]>;
  high: Record<string, Num[]>;
  score: Num[];
}

/** Four significant digits: the page shows values, not floating-point noise, and stays small. */
export const round4 = (v: number | null | undefined): Num => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(4)));

/** Calibrated scores crowd just below 1 (0.9991 vs 0.99996 is the difference that matters): six decimals. */
export const roundScore = (v: number | null | undefined): Num => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1e6) / 1e6);

export const SWIMLANE_BUCKETS_MS = [5, 15, 60, 180, 360, 1440].map((m) => m * 60_000);

/**
 * The charts' time step: the window, or coarser over long ranges so that a service has at most
 * `maxPoints` points (a month of one-minute windows would be 44,640 per service and feature).
 */
export function chartResolution(spanMs: number, windowMs: number, maxPoints = 2880): number {
  return [windowMs, ...SWIMLANE_BUCKETS_MS].find((r) => r >= windowMs && spanMs / r <= maxPoints) ?? SWIMLANE_BUCKETS_MS[SWIMLANE_BUCKETS_MS.length - 1];
}

/** One chart point: a window, or the windows of one resolution step (values and bands averaged, score the highest). */
interface Point {
  t: number;
  score: number | undefined;
  values: Record<string, number>;
  low: Record<string, number | undefined>;
  high: Record<string, number | undefined>;
}

const mean = (xs: readonly (number | undefined)[]): number | undefined => {
  const finite = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : undefined;
};

function coarsen(points: readonly Point[], start: number, resolutionMs: number): Point[] {
  const groups = new Map<number, Point[]>();
  for (const p of points) {
    const t = start + Math.floor((p.t - start) / resolutionMs) * resolutionMs;
    const g = groups.get(t) ?? [];
    g.push(p);
    groups.set(t, g);
  }
  return [...groups].map(([t, g]) => {
    const scores = g.map((p) => p.score).filter((x): x is number => x !== undefined);
    const out: Point = { t, score: scores.length ? Math.max(...scores) : undefined, values: {}, low: {}, high: {} };
    for (const { name } of CHARTED_FEATURES) {
      out.values[name] = mean(g.map((p) => p.values[name])) ?? Number.NaN;
      out.low[name] = mean(g.map((p) => p.low[name]));
      out.high[name] = mean(g.map((p) => p.high[name]));
    }
    return out;
  });
}

/**
 * Per service, the charted features with their expected band, in time order. With a `grid` coarser
 * than the windows, each point is a resolution step aligned to `grid.start`.
 */
export function seriesOf(windows: readonly WindowRecord[], band?: BandOf, grid?: { start: number; resolutionMs: number }): Record<string, ServiceSeries> {
  const byService = new Map<string, WindowRecord[]>();
  for (const w of windows) {
    const list = byService.get(w.service) ?? [];
    list.push(w);
    byService.set(w.service, list);
  }
  const out: Record<string, ServiceSeries> = {};
  for (const [service, list] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.t - b.t);
    const banded = new Set<string>();
    let points: Point[] = list.map((w) => {
      const p: Point = { t: w.t, score: w.score, values: { ...w.values }, low: {}, high: {} };
      for (const { name } of CHARTED_FEATURES) {
        const b = band?.(service, w.t, name, w.values.count ?? Number.NaN);
        if (!b) continue;
        banded.add(name);
        // Counts and latencies are never negative: the band starts at 0 at most (upward-only: at 0).
        p.low[name] = Math.max(0, b.low ?? 0);
        p.high[name] = Math.max(0, b.high);
      }
      return p;
    });
    if (grid && list.length > 1 && grid.resolutionMs > list[1].t - list[0].t) points = coarsen(points, grid.start, grid.resolutionMs);
    const s: ServiceSeries = { t: points.map((p) => p.t), values: {}, low: {}, high: {}, score: points.map((p) => roundScore(p.score)) };
    for (const { name } of CHARTED_FEATURES) {
      s.values[name] = points.map((p) => round4(p.values[name]));
      if (!banded.has(name)) continue;
      s.low[name] = points.map((p) => round4(p.low[name]));
      s.high[name] = points.map((p) => round4(p.high[name]));
    }
    out[service] = s;
  }
  return out;
}
