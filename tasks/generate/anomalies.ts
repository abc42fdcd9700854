import type { Random } from '../../shared/random';
import type { InjectedAnomalyType } from '../../shared/schemas';
import { MINUTE_MS, MINUTES_PER_DAY } from './dayClock';
import type { MessageTemplate } from './messages';
import { attackerIp, sessionId, userNumber } from './messageParts';
import { NOVEL_TEMPLATES, type NovelTemplate } from './novelMessages';
import { intBetween, pick, shuffle, uniform } from './sampling';
import type { Service } from './services';
import { unusualSession, UNUSUAL_SEQUENCES, type SessionStep, type UnusualSequence } from './sessions';
import { DAILY_PROFILE } from './seasonality';
import { lowestRate } from './traffic';

/**
 * The injection plan of one day: which anomalies, where, when and how strong. Planned before any
 * record is generated, so the labels exist up front and stay small whatever the volume.
 */

/** Ground truth, as written to labels.json (shared/schemas.ts anomalyLabelSchema). */
export interface GeneratedLabel {
  id: string;
  type: InjectedAnomalyType;
  service: string;
  /** ISO instant, inclusive. Anomalies start and end on whole minutes, so 1-minute windows are either in or out. */
  start: string;
  /** ISO instant, exclusive. */
  end: string;
  /** unusual_sequence only: the sessions that follow an abnormal order. */
  session_ids?: string[];
  description: string;
}

export interface PlannedSession {
  sessionId: string;
  user: number;
  /** The attacker's address for steps marked fromNewIp. */
  newIp: string;
  startMs: number;
  steps: SessionStep[];
}

export interface PlannedAnomaly {
  type: InjectedAnomalyType;
  serviceIndex: number;
  /** Minutes of the day, [startMinute, endMinute). */
  startMinute: number;
  endMinute: number;
  /**
   * volume_spike, traffic_drop: traffic multiplier; latency_degradation: latency multiplier;
   * error_burst: share of the service's records that are errors; new_template: mean lines per
   * minute of the new message; unusual_sequence: number of abnormal sessions.
   */
  magnitude: number;
  /** error_burst: the error that dominates the burst (an incident has one main cause). */
  dominantError?: MessageTemplate;
  novel?: NovelTemplate;
  sessions?: PlannedSession[];
  label: GeneratedLabel;
}

export interface DayPlanInput {
  date: string;
  dayStartMs: number;
  /** Days since 1970-01-01, to rotate the new-message pool across days. */
  dayNumber: number;
  services: readonly Service[];
  /** Expected records per minute per service (traffic.ts). */
  rates: readonly Float64Array[];
  anomaliesPerDay: number;
  types: readonly InjectedAnomalyType[];
}

/** No anomaly in the first half hour: rolling baselines of the day need some history. */
const WARMUP_MINUTES = 30;
/** Quiet minutes between consecutive anomalies (any service), so windows never mix two incidents. */
const MIN_GAP_MINUTES = 10;
const MIN_DURATION = 3;
const MAX_DURATION = 20;
/** With 48 a day the narrowest (busiest) slot is still about 22 minutes: room for a 3–12 minute anomaly and the gap. */
export const MAX_ANOMALIES_PER_DAY = 48;

/**
 * The lowest expected records per minute (for latency: records with a latency) at which a type is
 * unambiguous in a 1-minute window:
 * a ×4 spike over 10/min is far outside Poisson noise, a drop to ~5 % needs ~15/min to be told
 * from an ordinary quiet minute, error share and latency percentiles need a few samples.
 * Placement tries random times and services until these hold, else takes the busiest candidate.
 */
const MIN_RATE: Record<InjectedAnomalyType, number> = {
  volume_spike: 10,
  error_burst: 10,
  latency_degradation: 8,
  new_template: 0,
  traffic_drop: 15,
  unusual_sequence: 0,
};
const PLACEMENT_TRIES = 40;

export function isEligible(type: InjectedAnomalyType, service: Service): boolean {
  switch (type) {
    case 'unusual_sequence':
      return service.sessions;
    case 'new_template':
      return true;
    case 'latency_degradation':
      return !service.sessions && service.hasLatency;
    case 'error_burst':
      return !service.sessions && service.errors !== undefined;
    default:
      // The session service's volume is made of whole sessions; spiking or cutting it would
      // break sessions outside the labeled set, so volume anomalies go to the other services.
      return !service.sessions;
  }
}

/** Types that can happen with these services (e.g. unusual_sequence needs the session service). */
export function possibleTypes(types: readonly InjectedAnomalyType[], services: readonly Service[]): InjectedAnomalyType[] {
  return types.filter((t) => services.some((s) => isEligible(t, s)));
}

export function planAnomalies(rng: Random, input: DayPlanInput): PlannedAnomaly[] {
  const types = possibleTypes(input.types, input.services);
  const whole = Math.floor(input.anomaliesPerDay);
  const count = Math.min(MAX_ANOMALIES_PER_DAY, whole + (rng.next() < input.anomaliesPerDay - whole ? 1 : 0));
  if (count === 0 || types.length === 0) return [];
  // Each type about equally often, in random order.
  const rounds = Math.ceil(count / types.length);
  const order = shuffle(rng, Array.from({ length: rounds }, () => types).flat()).slice(0, count);
  // At most `rounds` new_template anomalies a day: stepping the pool by that keeps messages new across days.
  let novelIndex = input.dayNumber * rounds;

  const bounds = slotBounds(count);
  const plan: PlannedAnomaly[] = [];
  order.forEach((type, i) => {
    const lo = bounds[i];
    const hi = bounds[i + 1];
    const half = MIN_GAP_MINUTES / 2;
    const duration = intBetween(rng, MIN_DURATION, Math.min(MAX_DURATION, hi - lo - MIN_GAP_MINUTES));
    const candidates = input.services.map((_, idx) => idx).filter((idx) => isEligible(type, input.services[idx]));
    let best = { score: -Infinity, start: 0, serviceIndex: candidates[0] };
    for (let t = 0; t < PLACEMENT_TRIES; t++) {
      const start = intBetween(rng, lo + half, hi - half - duration);
      const serviceIndex = pick(rng, candidates);
      const service = input.services[serviceIndex];
      // Latency percentiles only see the records that carry a latency.
      const rate = lowestRate(input.rates[serviceIndex], start, start + duration) * (type === 'latency_degradation' ? service.latencyShare : 1);
      const score = MIN_RATE[type] > 0 ? rate / MIN_RATE[type] : 1;
      if (score > best.score) best = { score, start, serviceIndex };
      if (score >= 1) break;
    }
    const anomaly = shapeAnomaly(
      rng,
      type,
      best.serviceIndex,
      best.start,
      best.start + duration,
      input,
      () => NOVEL_TEMPLATES[novelIndex++ % NOVEL_TEMPLATES.length],
    );
    anomaly.label.id = `${input.date}-a${String(i + 1).padStart(2, '0')}`;
    plan.push(anomaly);
  });
  return plan;
}

/**
 * One slot per anomaly: spreads them over the day and keeps them apart without rejection loops.
 * Slots are narrower where traffic is high (half uniform, half following the daily profile):
 * incidents come with load and deploys, and busy minutes are where 1-minute windows can show them.
 */
function slotBounds(count: number): number[] {
  const weights = Array.from({ length: MINUTES_PER_DAY - WARMUP_MINUTES }, (_, i) => 0.5 + 0.5 * DAILY_PROFILE[WARMUP_MINUTES + i]);
  const total = weights.reduce((s, w) => s + w, 0);
  const bounds = [WARMUP_MINUTES];
  let cumulative = 0;
  weights.forEach((w, i) => {
    cumulative += w;
    if (bounds.length < count && cumulative >= (bounds.length * total) / count) bounds.push(WARMUP_MINUTES + i + 1);
  });
  bounds.push(MINUTES_PER_DAY);
  return bounds;
}

/** Sizes and details of one anomaly, and its label. */
function shapeAnomaly(
  rng: Random,
  type: InjectedAnomalyType,
  serviceIndex: number,
  startMinute: number,
  endMinute: number,
  input: DayPlanInput,
  nextNovel: () => NovelTemplate,
): PlannedAnomaly {
  const service = input.services[serviceIndex];
  const minutes = endMinute - startMinute;
  const startMs = input.dayStartMs + startMinute * MINUTE_MS;
  const endMs = input.dayStartMs + endMinute * MINUTE_MS;
  const a: PlannedAnomaly = {
    type,
    serviceIndex,
    startMinute,
    endMinute,
    magnitude: 1,
    // session_ids before description: the key order of labels.json follows the documented shape.
    label: {
      id: '',
      type,
      service: service.name,
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      session_ids: undefined,
      description: '',
    },
  };
  const during = `on ${service.name} for ${minutes} min`;
  switch (type) {
    case 'volume_spike':
      a.magnitude = uniform(rng, 4, 8);
      a.label.description = `traffic ×${a.magnitude.toFixed(1)} ${during} (retry storm or bot traffic)`;
      break;
    case 'traffic_drop':
      a.magnitude = uniform(rng, 0, 0.1);
      a.label.description = `traffic down to ${(a.magnitude * 100).toFixed(0)} % ${during} (instances dropped out of the load balancer)`;
      break;
    case 'error_burst':
      a.magnitude = uniform(rng, 0.3, 0.6);
      a.dominantError = service.errors!.pick(rng);
      a.label.description = `${(a.magnitude * 100).toFixed(0)} % of records are errors ${during}, mostly ${a.dominantError.name}`;
      break;
    case 'latency_degradation':
      a.magnitude = uniform(rng, 3, 10);
      a.label.description = `latencies ×${a.magnitude.toFixed(1)} ${during}`;
      break;
    case 'new_template':
      a.magnitude = uniform(rng, 3, 8);
      a.novel = nextNovel();
      a.label.description = `new message ${a.novel.name} (${a.novel.level}) about ${a.magnitude.toFixed(0)}/min ${during}, e.g. "${a.novel.render(rng)}"`;
      break;
    case 'unusual_sequence': {
      const variant: UnusualSequence = pick(rng, UNUSUAL_SEQUENCES);
      const attackers = Array.from({ length: intBetween(rng, 1, 3) }, () => attackerIp(rng));
      const count = Math.max(4, Math.round(minutes * uniform(rng, 0.6, 1.2)));
      a.sessions = Array.from({ length: count }, () => {
        const steps = unusualSession(rng, variant);
        const span = steps.reduce((sum, s) => sum + s.gapMs, 0);
        // Whole session inside the interval, so the label's interval covers all its events.
        const room = Math.max(0, endMs - startMs - span - 1000);
        return { sessionId: sessionId(rng), user: userNumber(rng), newIp: pick(rng, attackers), startMs: startMs + rng.int(room + 1), steps };
      });
      a.sessions.sort((x, y) => x.startMs - y.startMs);
      a.magnitude = count;
      a.label.session_ids = a.sessions.map((s) => s.sessionId);
      a.label.description = `${count} sessions with ${variant.replaceAll('_', ' ')} ${during}`;
      break;
    }
  }
  return a;
}
