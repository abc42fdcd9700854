import { quantileSorted } from '../quantiles';
import type { WindowFeature } from '../schemas';
import { TypedArrayPool, WindowValues } from './windowValues';

/**
 * Fixed time windows per service (default 1 minute). Every window of the day exists for every
 * service seen that day, including empty ones: silence is a signal (traffic drop). Records outside
 * the day (`ingest --allow-other-dates`, e.g. a whole loghub file in one partition) get windows
 * where they occur, with no silence filled around them.
 *
 * Memory stays flat as a partition grows because a window's latencies and user ids (the only
 * per-event state) are summarized once the newest event is `allowedLatenessSeconds` past the
 * window, as stream processors seal windows at a watermark. Silver is in time order as ingested, so
 * this is exact; an event older than that (input out of order by more than the lateness) still
 * counts in every counter and template count but not in the sealed latency percentiles or distinct
 * users, and is reported as late.
 */
export interface SilverEvent {
  ts: number;
  service: string;
  level: string;
  latency_ms: number | null;
  status: number | null;
  user_id: string | null;
  template_id: string;
}

interface LatencySummary {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface WindowAccumulator {
  index: number;
  count: number;
  errors: number;
  warns: number;
  latencies: number[];
  s5xx: number;
  s4xx: number;
  withStatus: number;
  users: Set<string>;
  templates: Map<string, number>;
  /** Set when the window is sealed; latencies and users are then emptied. */
  sealed?: { latency: LatencySummary; distinctUsers: number };
}

export interface WindowRow {
  window_start: number;
  window_seconds: number;
  service: string;
  features: Record<WindowFeature, number>;
  templates: Map<string, number>;
}

export interface TimeWindowOptions {
  dayStart: number;
  windowSeconds: number;
  /** Windows in the rolling mean/std of counts (previous windows only). */
  rollingWindows: number;
  /** A template counts as new in a window when first seen at most this many windows before. */
  newTemplateHorizon: number;
  /** How far behind the newest event a window stays open for latencies and users (default 1 h). */
  allowedLatenessSeconds?: number;
}

const isFailure = (level: string) => level === 'ERROR' || level === 'FATAL' || level === 'WARN';

export const newAcc = (index: number): WindowAccumulator => ({
  index,
  count: 0,
  errors: 0,
  warns: 0,
  latencies: [],
  s5xx: 0,
  s4xx: 0,
  withStatus: 0,
  users: new Set(),
  templates: new Map(),
});

function summarizeLatencies(values: readonly number[]): LatencySummary {
  return summarizeSorted(Float64Array.from(values).sort());
}

function summarizeSorted(lat: Float64Array): LatencySummary {
  return {
    mean: lat.length ? lat.reduce((s, v) => s + v, 0) / lat.length : NaN,
    p50: quantileSorted(lat, 0.5),
    p95: quantileSorted(lat, 0.95),
    p99: quantileSorted(lat, 0.99),
  };
}

export function seal(acc: WindowAccumulator): void {
  acc.sealed = { latency: summarizeLatencies(acc.latencies), distinctUsers: acc.users.size };
  acc.latencies = [];
  acc.users = new Set();
}

/** What a sealed day window holds for latencies and users; never added to (`addToWindow` checks `sealed`). */
const NO_LATENCIES: number[] = [];
const NO_USERS = new Set<string>();

/** A day's window: its latencies and users while it is open are typed arrays from the aggregator's pool. */
interface DayWindow extends WindowAccumulator {
  values?: WindowValues;
}

/** Accumulates events (in any order, streamed part by part) and then emits the window rows. */
export class TimeWindowAggregator {
  private readonly byService = new Map<string, Map<number, DayWindow>>();
  private readonly windowMs: number;
  private readonly windowsPerDay: number;
  private readonly latenessWindows: number;
  private open: DayWindow[] = [];
  private readonly pool = new TypedArrayPool();
  /** User id → its number in this day's windows (the distinct users of a day, not of its events). */
  private readonly userNumbers = new Map<string, number>();
  private newestIndex = -Infinity;
  /** Events that arrived after their window was sealed. */
  lateEvents = 0;

  constructor(private readonly options: TimeWindowOptions) {
    this.windowMs = options.windowSeconds * 1000;
    this.windowsPerDay = Math.ceil(86_400_000 / this.windowMs);
    this.latenessWindows = Math.ceil(((options.allowedLatenessSeconds ?? 3600) * 1000) / this.windowMs);
  }

  add(e: SilverEvent): void {
    const idx = Math.floor((e.ts - this.options.dayStart) / this.windowMs);
    if (idx > this.newestIndex) {
      this.newestIndex = idx;
      this.sealBefore(idx - this.latenessWindows);
    }
    let windows = this.byService.get(e.service);
    if (!windows) {
      windows = new Map();
      this.byService.set(e.service, windows);
    }
    let acc = windows.get(idx);
    if (!acc) {
      acc = newAcc(idx) as DayWindow;
      windows.set(idx, acc);
      if (idx < this.newestIndex - this.latenessWindows) seal(acc);
      else {
        acc.values = new WindowValues(this.pool);
        this.open.push(acc);
      }
    }
    if (acc.sealed) this.lateEvents++;
    addCounters(acc, e);
    const values = acc.values;
    if (!values) return;
    if (countsLatency(e)) values.addLatency(e.latency_ms!);
    if (e.user_id) {
      let user = this.userNumbers.get(e.user_id);
      if (user === undefined) this.userNumbers.set(e.user_id, (user = this.userNumbers.size));
      values.addUser(user);
    }
  }

  private sealBefore(index: number): void {
    const stillOpen: DayWindow[] = [];
    for (const acc of this.open) {
      if (acc.index < index) this.sealDay(acc);
      else stillOpen.push(acc);
    }
    this.open = stillOpen;
  }

  /** `seal` for a window whose values are typed arrays: the same summary, and the arrays go back to the pool. */
  private sealDay(acc: DayWindow): void {
    const values = acc.values!;
    acc.sealed = { latency: summarizeSorted(values.sortedLatencies()), distinctUsers: values.distinctUsers };
    values.release();
    acc.values = undefined;
    // The day's 17K windows would each keep an empty array and Set (~3 MB): share one of each.
    acc.latencies = NO_LATENCIES;
    acc.users = NO_USERS;
  }

  /**
   * @param firstSeen template id → epoch ms of its first occurrence ever (from the template store).
   */
  rows(firstSeen: ReadonlyMap<string, number>): WindowRow[] {
    const { dayStart, windowSeconds, rollingWindows, newTemplateHorizon } = this.options;
    // The windows still open are summarized as they are (what `windowRow` does for an unsealed one).
    for (const acc of this.open) this.sealDay(acc);
    this.open = [];
    // Nothing is added after the rows: the free arrays (the busiest hour's, 7 MB at 10M logs) go.
    this.pool.clear();
    const out: WindowRow[] = [];
    for (const service of [...this.byService.keys()].sort()) {
      const windows = this.byService.get(service)!;
      const counts: number[] = [];
      const day = Array.from({ length: this.windowsPerDay }, (_, i) => i);
      const outside = [...windows.keys()].filter((i) => i < 0 || i >= this.windowsPerDay);
      const indices = outside.length ? [...outside, ...day].sort((a, b) => a - b) : day;
      for (const idx of indices) {
        const acc = windows.get(idx) ?? newAcc(idx);
        const start = dayStart + idx * this.windowMs;
        const prev = counts.slice(Math.max(0, counts.length - rollingWindows));
        out.push(windowRow(service, start, windowSeconds, acc, prev, firstSeen, newTemplateHorizon));
        counts.push(acc.count);
      }
    }
    return out;
  }
}

/** One event into its window's counters (the per-event latencies and users only while the window is open). */
export function addToWindow(acc: WindowAccumulator, e: SilverEvent): void {
  addCounters(acc, e);
  if (countsLatency(e) && !acc.sealed) acc.latencies.push(e.latency_ms!);
  if (e.user_id && !acc.sealed) acc.users.add(e.user_id);
}

/**
 * Latency of successful requests only: failures have their own latency (timeouts at 30 s, fast
 * rejections) and their own features; mixing them in lets one timeout set a quiet minute's p95.
 */
function countsLatency(e: SilverEvent): boolean {
  return e.latency_ms !== null && !Number.isNaN(e.latency_ms) && !isFailure(e.level);
}

/** An event's counts in its window: everything but the per-event latencies and users. */
function addCounters(acc: WindowAccumulator, e: SilverEvent): void {
  acc.count++;
  if (e.level === 'ERROR' || e.level === 'FATAL') acc.errors++;
  else if (e.level === 'WARN') acc.warns++;
  if (e.status !== null && !Number.isNaN(e.status)) {
    acc.withStatus++;
    if (e.status >= 500) acc.s5xx++;
    else if (e.status >= 400) acc.s4xx++;
  }
  acc.templates.set(e.template_id, (acc.templates.get(e.template_id) ?? 0) + 1);
}

/**
 * A window's Gold row: its counters, and the rolling mean/std of the counts of the service's
 * `previousCounts` windows (oldest first). The one definition `features` (a day at a time) and
 * `stream` (window by window as the watermark seals them) share.
 */
export function windowRow(
  service: string,
  start: number,
  windowSeconds: number,
  acc: WindowAccumulator,
  previousCounts: readonly number[],
  firstSeen: ReadonlyMap<string, number>,
  newTemplateHorizon: number,
): WindowRow {
  const latency = acc.sealed?.latency ?? summarizeLatencies(acc.latencies);
  const prev = previousCounts;
  const mean = prev.length ? prev.reduce((s, v) => s + v, 0) / prev.length : acc.count;
  const std = prev.length > 1 ? Math.sqrt(prev.reduce((s, v) => s + (v - mean) ** 2, 0) / (prev.length - 1)) : 0;
  // Poisson floor: counts vary by about sqrt(mean) even when recent windows happen to agree.
  const spread = Math.max(std, Math.sqrt(Math.max(mean, 1)));
  let newTemplates = 0;
  for (const t of acc.templates.keys()) {
    const first = firstSeen.get(t);
    if (first !== undefined && first >= start - newTemplateHorizon * windowSeconds * 1000) newTemplates++;
  }
  const date = new Date(start);
  return {
    window_start: start,
    window_seconds: windowSeconds,
    service,
    templates: acc.templates,
    features: {
      count: acc.count,
      error_count: acc.errors,
      warn_count: acc.warns,
      error_rate: acc.count ? acc.errors / acc.count : 0,
      latency_mean: latency.mean,
      latency_p50: latency.p50,
      latency_p95: latency.p95,
      latency_p99: latency.p99,
      status_5xx_rate: acc.withStatus ? acc.s5xx / acc.withStatus : 0,
      status_4xx_rate: acc.withStatus ? acc.s4xx / acc.withStatus : 0,
      distinct_users: acc.sealed?.distinctUsers ?? acc.users.size,
      distinct_templates: acc.templates.size,
      new_templates: newTemplates,
      count_roll_mean: mean,
      count_roll_std: std,
      count_roll_z: (acc.count - mean) / spread,
      hour_of_day: date.getUTCHours(),
      day_of_week: date.getUTCDay(),
    },
  };
}
