import { createRandom, type Random } from '../../shared/random';
import { addDays, dayStart } from '../../shared/dates';
import { DayClock, MINUTE_MS, MINUTES_PER_DAY } from './dayClock';
import { planAnomalies, type GeneratedLabel, type PlannedAnomaly } from './anomalies';
import { effectTable } from './incidentEffects';
import { corruptRecord } from './malformed';
import { resolveGenerateOptions, type GenerateOptions, type GenerateOptionsInput } from './options';
import type { GeneratedLine, GeneratedRecord } from './records';
import { poisson } from './sampling';
import { selectServices, type Service } from './services';
import { MEAN_NORMAL_SESSION_EVENTS } from './sessions';
import { renderSession, startNormalSession, type MinuteBuckets } from './sessionTraffic';
import { novelRecord, serviceRecord } from './serviceRecords';
import { minuteRates } from './traffic';

/**
 * The engine of `sentinel generate`: synthetic application logs with labeled anomalies.
 *
 * Each day is generated independently from (seed, date), so a day is byte-identical whether it is
 * generated alone (a daily DAG run) or inside a longer range, and days could run in parallel.
 * Records stream out minute by minute in time order; memory holds one minute plus the sessions in
 * flight, whatever the volume.
 */

export interface DayPlan {
  date: string;
  services: Service[];
  /** Expected records per minute per service, before anomalies. */
  rates: Float64Array[];
  anomalies: PlannedAnomaly[];
  labels: GeneratedLabel[];
  /** Expected valid records of the day (for progress bars; the real count is Poisson around it). */
  expectedRecords: number;
}

export interface DayStats {
  date: string;
  records: number;
  malformed: number;
}

/** Independent random streams of one day, so that e.g. the malformed rate never changes the records. */
interface DayStreams {
  plan: Random;
  traffic: Random;
  sessions: Random;
  malformed: Random;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function dayStreams(seed: number, date: string): DayStreams {
  const dayNumber = dayStart(date) / 86_400_000;
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4_294_967_296) >>> 0;
  const root = createRandom(mix32(mix32(lo ^ 0x9e3779b9) ^ mix32(hi + 0x7f4a7c15) ^ mix32(dayNumber + 0x1b873593)));
  return { plan: root.fork(), traffic: root.fork(), sessions: root.fork(), malformed: root.fork() };
}

export function planDay(date: string, options: GenerateOptions): DayPlan {
  const services = selectServices(options.services);
  const dayStartMs = dayStart(date);
  const rates = minuteRates(services, new Date(dayStartMs).getUTCDay(), options.logsPerDay);
  const anomalies = planAnomalies(dayStreams(options.seed, date).plan, {
    date,
    dayStartMs,
    dayNumber: dayStartMs / 86_400_000,
    services,
    rates,
    anomaliesPerDay: options.anomaliesPerDay,
    types: options.anomalyTypes,
  });
  let expected = rates.reduce((sum, r) => sum + r.reduce((s, v) => s + v, 0), 0);
  for (const a of anomalies) {
    const inInterval = rates[a.serviceIndex].slice(a.startMinute, a.endMinute).reduce((s, v) => s + v, 0);
    if (a.type === 'volume_spike' || a.type === 'traffic_drop') expected += (a.magnitude - 1) * inInterval;
    if (a.type === 'new_template') expected += a.magnitude * (a.endMinute - a.startMinute);
    for (const s of a.sessions ?? []) expected += s.steps.length;
  }
  return { date, services, rates, anomalies, labels: anomalies.map((a) => a.label), expectedRecords: Math.round(expected) };
}

const byTimestamp = (a: GeneratedRecord, b: GeneratedRecord) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

/**
 * All lines of one day in time order (malformed lines, when asked for, follow the record they
 * were made from). The generator's return value is the day's counts.
 */
export function* generateDay(date: string, options: GenerateOptions, plan: DayPlan = planDay(date, options)): Generator<GeneratedLine, DayStats, undefined> {
  const { services, rates, anomalies } = plan;
  const streams = dayStreams(options.seed, date);
  const clock = new DayClock(date);
  const effects = effectTable(anomalies, services.length);
  const buckets: MinuteBuckets = new Array(MINUTES_PER_DAY);
  const unusualByMinute = new Map<number, { service: Service; sessions: NonNullable<PlannedAnomaly['sessions']> }[]>();
  for (const a of anomalies) {
    for (const s of a.sessions ?? []) {
      const minute = clock.minuteOf(s.startMs);
      const list = unusualByMinute.get(minute) ?? [];
      list.push({ service: services[a.serviceIndex], sessions: [s] });
      unusualByMinute.set(minute, list);
    }
  }
  // Insert a malformed line after a record with probability q, so that malformed / all lines ≈ rate.
  const malformedOdds = options.malformedRate / (1 - options.malformedRate);
  const { traffic, sessions: sessionRng, malformed: malformedRng } = streams;
  const stats: DayStats = { date, records: 0, malformed: 0 };

  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    const minuteStart = clock.startMs + m * MINUTE_MS;
    const chunk: GeneratedRecord[] = [];
    for (let si = 0; si < services.length; si++) {
      const service = services[si];
      const effect = effects[si][m];
      if (service.sessions) {
        const starts = poisson(traffic, rates[si][m] / MEAN_NORMAL_SESSION_EVENTS);
        for (let k = 0; k < starts; k++) startNormalSession(sessionRng, service, minuteStart + sessionRng.int(MINUTE_MS), clock, buckets);
      } else {
        const n = poisson(traffic, rates[si][m] * (effect ? effect.volume : 1));
        for (let k = 0; k < n; k++) chunk.push(serviceRecord(traffic, service, clock.iso(minuteStart + traffic.int(MINUTE_MS)), effect));
      }
      if (effect?.novel) {
        // At least one per minute: the new message must show in every window of the interval.
        const n = Math.max(1, poisson(traffic, effect.novelPerMinute));
        for (let k = 0; k < n; k++) chunk.push(novelRecord(traffic, service, clock.iso(minuteStart + traffic.int(MINUTE_MS)), effect.novel));
      }
    }
    for (const { service, sessions } of unusualByMinute.get(m) ?? []) {
      for (const spec of sessions) renderSession(sessionRng, service, spec, clock, buckets);
    }
    const due = buckets[m];
    if (due) {
      for (const rec of due) chunk.push(rec);
      buckets[m] = undefined;
    }
    chunk.sort(byTimestamp);
    for (const rec of chunk) {
      stats.records++;
      yield rec;
      if (malformedOdds > 0 && malformedRng.next() < malformedOdds) {
        stats.malformed++;
        yield corruptRecord(malformedRng, rec, date);
      }
    }
  }
  return stats;
}

export interface GenerateHooks {
  /** Called about every `progressEvery` lines and once at the end with done === total. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

export interface GeneratedDay {
  date: string;
  labels: GeneratedLabel[];
  expectedRecords: number;
  /** Re-iterable: each iteration regenerates the same lines. */
  lines: Iterable<GeneratedLine>;
}

export interface GenerationStats {
  records: number;
  malformed: number;
  byDate: Record<string, { records: number; malformed: number }>;
}

export interface GeneratedLogs {
  options: GenerateOptions;
  dates: string[];
  /** Ground truth of all days, in time order. Small: about anomaliesPerDay × days entries. */
  labels: GeneratedLabel[];
  days: GeneratedDay[];
  /** Expected lines of the whole run, including malformed ones (progress total). */
  expectedTotal: number;
  /** All lines of all days in time order. Re-iterable; each iteration regenerates the same lines. */
  records: Iterable<GeneratedLine>;
  /** Counts of the latest (or running) iteration of `records`. */
  stats: GenerationStats;
}

/**
 * Plans every day (cheap) and returns streams of lines. Nothing heavy happens until `records`
 * (or a day's `lines`) is iterated.
 */
export function generateLogs(input: GenerateOptionsInput, hooks: GenerateHooks = {}): GeneratedLogs {
  const options = resolveGenerateOptions(input);
  const dates = Array.from({ length: options.days }, (_, i) => addDays(options.from, i));
  const plans = dates.map((date) => planDay(date, options));
  const days: GeneratedDay[] = plans.map((plan) => ({
    date: plan.date,
    labels: plan.labels,
    expectedRecords: plan.expectedRecords,
    lines: { [Symbol.iterator]: () => generateDay(plan.date, options, plan) },
  }));
  const malformedFactor = 1 + options.malformedRate / (1 - options.malformedRate);
  const expectedTotal = Math.round(plans.reduce((s, p) => s + p.expectedRecords, 0) * malformedFactor);
  const stats: GenerationStats = { records: 0, malformed: 0, byDate: {} };
  const every = hooks.progressEvery ?? 10_000;

  function* all(): Generator<GeneratedLine> {
    stats.records = 0;
    stats.malformed = 0;
    stats.byDate = {};
    let done = 0;
    for (const plan of plans) {
      const day = generateDay(plan.date, options, plan);
      for (;;) {
        const step = day.next();
        if (step.done) {
          stats.byDate[plan.date] = { records: step.value.records, malformed: step.value.malformed };
          stats.records += step.value.records;
          stats.malformed += step.value.malformed;
          break;
        }
        yield step.value;
        if (++done % every === 0 && hooks.onProgress) hooks.onProgress(done, Math.max(expectedTotal, done + 1));
      }
    }
    hooks.onProgress?.(done, done);
  }

  return {
    options,
    dates,
    labels: plans.flatMap((p) => p.labels),
    days,
    expectedTotal,
    records: { [Symbol.iterator]: all },
    stats,
  };
}
