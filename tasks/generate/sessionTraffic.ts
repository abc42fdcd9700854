import type { Random } from '../../shared/random';
import type { DayClock } from './dayClock';
import { hex8, homeIpOf, sessionId, userNumber } from './messageParts';
import { newRecord, type GeneratedRecord } from './records';
import { pick } from './sampling';
import type { Service } from './services';
import { fillSessionEvent, type SessionState } from './sessionMessages';
import { normalSession, type SessionStep } from './sessions';

/**
 * Turns sessions into records. A session spans minutes, so its records are rendered when it
 * starts and parked in per-minute buckets until the engine reaches their minute; memory is bounded
 * by the sessions alive at once, not by the day's volume. Events after midnight are cut off (the
 * next day is generated independently), which leaves a plausible prefix of the session.
 */
export type MinuteBuckets = (GeneratedRecord[] | undefined)[];

export interface SessionSpec {
  sessionId: string;
  user: number;
  newIp: string;
  startMs: number;
  steps: readonly SessionStep[];
}

export function renderSession(rng: Random, service: Service, spec: SessionSpec, clock: DayClock, buckets: MinuteBuckets): number {
  const state: SessionState = {
    userId: 'u-' + spec.user,
    sessionId: spec.sessionId,
    homeIp: homeIpOf(spec.user),
    newIp: spec.newIp,
    startMs: spec.startMs,
    cartItems: 0,
    cartTotal: 0,
    cartId: 'c-' + hex8(rng),
    orderId: undefined,
  };
  // Sticky sessions: one web host serves the whole session.
  const host = pick(rng, service.hosts);
  let t = spec.startMs;
  let emitted = 0;
  for (const step of spec.steps) {
    t += step.gapMs;
    if (t >= clock.endMs) break;
    const rec = newRecord(clock.iso(t), service.name, host, 'INFO');
    fillSessionEvent(rng, step.kind, step.fromNewIp, state, rec, t);
    const minute = clock.minuteOf(t);
    buckets[minute] ??= [];
    buckets[minute].push(rec);
    emitted++;
  }
  return emitted;
}

/** A new ordinary session starting at `startMs`. */
export function startNormalSession(rng: Random, service: Service, startMs: number, clock: DayClock, buckets: MinuteBuckets): number {
  const spec: SessionSpec = { sessionId: sessionId(rng), user: userNumber(rng), newIp: '', startMs, steps: normalSession(rng) };
  return renderSession(rng, service, spec, clock, buckets);
}
