import { quantileSorted } from '../../shared/quantiles';
import type { WindowFeature } from '../../shared/schemas';

/**
 * Fixed time windows per service (default 1 minute). Every window of the day exists for every
 * service seen that day, including empty ones: silence is a signal (traffic drop). Records outside
 * the day (`ingest --allow-other-dates`, e.g. a whole loghub file in one partition) get windows
 * where they occur, with no silence filled around them.
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

interface WindowAccumulator {
  count: number;
  errors: number;
  warns: number;
  latencies: number[];
  s5xx: number;
  s4xx: number;
  withStatus: number;
  users: Set<string>;
  templates: Map<string, number>;
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
}

const isFailure = (level: string) => level === 'ERROR' || level === 'FATAL' || level === 'WARN';

const newAcc = (): WindowAccumulator => ({ count: 0, errors: 0, warns: 0, latencies: [], s5xx: 0, s4xx: 0, withStatus: 0, users: new Set(), templates: new Map() });

/** Accumulates events (in any order, streamed part by part) and then emits the window rows. */
export class TimeWindowAggregator {
  private readonly byService = new Map<string, Map<number, WindowAccumulator>>();
  private readonly windowMs: number;
  private readonly windowsPerDay: number;

  constructor(private readonly options: TimeWindowOptions) {
    this.windowMs = options.windowSeconds * 1000;
    this.windowsPerDay = Math.ceil(86_400_000 / this.windowMs);
  }

  add(e: SilverEvent): void {
    const idx = Math.floor((e.ts - this.options.dayStart) / this.windowMs);
    let windows = this.byService.get(e.service);
    if (!windows) this.byService.set(e.service, (windows = new Map()));
    let acc = windows.get(idx);
    if (!acc) windows.set(idx, (acc = newAcc()));
    acc.count++;
    if (e.level === 'ERROR' || e.level === 'FATAL') acc.errors++;
    else if (e.level === 'WARN') acc.warns++;
    // Latency of successful requests only: failures have their own latency (timeouts at 30 s, fast
    // rejections) and their own features; mixing them in lets one timeout set a quiet minute's p95.
    if (e.latency_ms !== null && !Number.isNaN(e.latency_ms) && !isFailure(e.level)) acc.latencies.push(e.latency_ms);
    if (e.status !== null && !Number.isNaN(e.status)) {
      acc.withStatus++;
      if (e.status >= 500) acc.s5xx++;
      else if (e.status >= 400) acc.s4xx++;
    }
    if (e.user_id) acc.users.add(e.user_id);
    acc.templates.set(e.template_id, (acc.templates.get(e.template_id) ?? 0) + 1);
  }

  /**
   * @param firstSeen template id → epoch ms of its first occurrence ever (from the template store).
   */
  rows(firstSeen: ReadonlyMap<string, number>): WindowRow[] {
    const { dayStart, windowSeconds, rollingWindows, newTemplateHorizon } = this.options;
    const out: WindowRow[] = [];
    for (const service of [...this.byService.keys()].sort()) {
      const windows = this.byService.get(service)!;
      const counts: number[] = [];
      const day = Array.from({ length: this.windowsPerDay }, (_, i) => i);
      const outside = [...windows.keys()].filter((i) => i < 0 || i >= this.windowsPerDay);
      const indices = outside.length ? [...outside, ...day].sort((a, b) => a - b) : day;
      for (const idx of indices) {
        const acc = windows.get(idx) ?? newAcc();
        const start = dayStart + idx * this.windowMs;
        const lat = Float64Array.from(acc.latencies).sort();
        const prev = counts.slice(Math.max(0, counts.length - rollingWindows));
        const mean = prev.length ? prev.reduce((s, v) => s + v, 0) / prev.length : acc.count;
        const std = prev.length > 1 ? Math.sqrt(prev.reduce((s, v) => s + (v - mean) ** 2, 0) / (prev.length - 1)) : 0;
        // Poisson floor: counts vary by about sqrt(mean) even when recent windows happen to agree.
        const spread = Math.max(std, Math.sqrt(Math.max(mean, 1)));
        let newTemplates = 0;
        for (const t of acc.templates.keys()) {
          const first = firstSeen.get(t);
          if (first !== undefined && first >= start - newTemplateHorizon * this.windowMs) newTemplates++;
        }
        const date = new Date(start);
        out.push({
          window_start: start,
          window_seconds: windowSeconds,
          service,
          templates: acc.templates,
          features: {
            count: acc.count,
            error_count: acc.errors,
            warn_count: acc.warns,
            error_rate: acc.count ? acc.errors / acc.count : 0,
            latency_mean: lat.length ? lat.reduce((s, v) => s + v, 0) / lat.length : NaN,
            latency_p50: quantileSorted(lat, 0.5),
            latency_p95: quantileSorted(lat, 0.95),
            latency_p99: quantileSorted(lat, 0.99),
            status_5xx_rate: acc.withStatus ? acc.s5xx / acc.withStatus : 0,
            status_4xx_rate: acc.withStatus ? acc.s4xx / acc.withStatus : 0,
            distinct_users: acc.users.size,
            distinct_templates: acc.templates.size,
            new_templates: newTemplates,
            count_roll_mean: mean,
            count_roll_std: std,
            count_roll_z: (acc.count - mean) / spread,
            hour_of_day: date.getUTCHours(),
            day_of_week: date.getUTCDay(),
          },
        });
        counts.push(acc.count);
      }
    }
    return out;
  }
}
