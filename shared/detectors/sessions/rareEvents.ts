/**
 * Rare and unseen events in a session: a session containing an event that few training sessions
 * contain is unusual, whatever the order or counts. An event's rarity is −log10 of the share of
 * training sessions that contain it (smoothed: (seenIn + 0.5) / (sessions + 1)), so an event in 1 %
 * of sessions scores 2 and one never seen scores highest. A session scores its rarest event.
 *
 * Rare but routine events (a password reset in 1 % of shop sessions) follow the traffic; an
 * incident's event comes in a burst (./bursts). An event in under 2 % of sessions whose training
 * occurrences burst counts as four times rarer (log10 4 = the distance from 2 % to 0.5 %), so the
 * own test "rarer than 0.5 %" also takes bursty events under 2 %.
 *
 * An event repeated more often than training sessions repeat it (login failed ×11) is rare too:
 * the share of training sessions with at least that many, times the number of events (one more
 * test per event), must pass the same 0.5 %. So must the share of training sessions in which the
 * event makes up at least as large a part of the session: a long visit views more pages, and 23
 * views in 34 events is an ordinary visit's mix, while 8 failed logins in 11 events is not.
 */
import { BadInputError } from '../../errors';
import { vocabularyOf } from './eventCounts';
import { burstOf, trafficOf, type Burst } from './bursts';
import { RARE_EVENT_SHARE, ROUTINE_SHARE } from './routine';
import type { SessionDetector, SessionFinding, Sequences } from './types';

export interface RareEventsModel {
  kind: 'rare_events';
  sessions: number;
  /** Event (template id) → training sessions that contain it. */
  seenIn: Record<string, number>;
  /** Events under 2 % of sessions whose occurrences burst in training (empty without session start times). */
  bursts: Record<string, Burst>;
  /** Event → training sessions with at least c occurrences, at index c − 2 (c ≥ 2; presence is seenIn). */
  repeats: Record<string, number[]>;
  /** Event → training sessions in which it is at least q % of the session's events, at index q (0–100). */
  shares: Record<string, number[]>;
}

/** An event's part of a session, in whole percent (rounded down, so the tail it reads is never too thin). */
const percentOf = (count: number, length: number) => Math.floor((100 * count) / Math.max(1, length));

/** Counts above this are scored as this (the tail is already tiny there). */
const MAX_COUNT = 1000;

const BURST_WEIGHT = Math.log10((1 - ROUTINE_SHARE) / RARE_EVENT_SHARE);

export function fitRareEvents(training: Sequences, starts?: ArrayLike<number>): RareEventsModel {
  const seenIn: Record<string, number> = Object.fromEntries(vocabularyOf(training).map((e) => [e, 0]));
  const startsOf = new Map<string, number[]>();
  const repeats: Record<string, number[]> = {};
  const shares: Record<string, number[]> = {};
  training.forEach((s, i) => {
    for (const [e, count] of countsOf(s)) {
      seenIn[e]++;
      (shares[e] ??= new Array(101).fill(0))[percentOf(count, s.length)]++;
      if (starts) (startsOf.get(e) ?? startsOf.set(e, []).get(e)!).push(starts[i]);
      const tail = (repeats[e] ??= []);
      for (let c = 2; c <= Math.min(count, MAX_COUNT); c++) tail[c - 2] = (tail[c - 2] ?? 0) + 1;
    }
  });
  const bursts: Record<string, Burst> = {};
  if (starts) {
    const traffic = trafficOf(starts);
    for (const [e, times] of startsOf) {
      if (times.length >= (1 - ROUTINE_SHARE) * training.length) continue;
      const burst = burstOf(times, traffic, training.length);
      if (burst) bursts[e] = burst;
    }
  }
  // Per percent bin → at least that percent: a suffix sum.
  for (const bins of Object.values(shares)) for (let q = 99; q >= 0; q--) bins[q] += bins[q + 1];
  return { kind: 'rare_events', sessions: training.length, seenIn, bursts, repeats, shares };
}

function countsOf(session: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of session) counts.set(e, (counts.get(e) ?? 0) + 1);
  return counts;
}

/** Training sessions with at least `count` (≥ 2) occurrences of the event. */
const repeatedIn = (model: RareEventsModel, event: string, count: number) => model.repeats[event]?.[Math.min(count, MAX_COUNT) - 2] ?? 0;

/** Training sessions in which the event is at least this percent of the events. */
const dominatedIn = (model: RareEventsModel, event: string, percent: number) => model.shares[event]?.[percent] ?? 0;

/** Events the model knows (the Bonferroni factor of the repeat test), counted once per model, not per scored event. */
const knownEvents = new WeakMap<RareEventsModel, number>();
const eventsIn = (model: RareEventsModel) => knownEvents.get(model) ?? knownEvents.set(model, Object.keys(model.seenIn).length).get(model)!;

/** How rare it is to see the event at all: its share of training sessions, four times rarer when it bursts. */
const presenceRarity = (model: RareEventsModel, event: string) => rarityOf(model, model.seenIn[event] ?? 0) + (model.bursts[event] ? BURST_WEIGHT : 0);

/**
 * How rare it is to see the event at all, or this many times. A repeat count is one more test per
 * event, so its tail share is multiplied by the number of events (Bonferroni): without that, every
 * event's own 0.5 % tail added up to 4 % of generated sessions flagged.
 */
const eventRarity = (model: RareEventsModel, event: string, count = 1, length = count) => {
  const presence = presenceRarity(model, event);
  if (count < 2 || !(event in model.seenIn)) return presence;
  // (k + 1) / (n + 1): the conformal p-value of "this many or more", conservative for counts no
  // training session reached; the repeat must be as rare in its share of the session, so the larger k counts.
  const k = Math.max(repeatedIn(model, event, count), dominatedIn(model, event, percentOf(count, length)));
  const repeat = -Math.log10((eventsIn(model) * (k + 1)) / (model.sessions + 1));
  return Math.max(presence, repeat);
};
const rarityOf = (model: RareEventsModel, seenIn: number) => -Math.log10((seenIn + 0.5) / (model.sessions + 1));
const share = (model: RareEventsModel, seenIn: number) => seenIn / Math.max(1, model.sessions);

export function scoreRareEvents(model: RareEventsModel, sessions: Sequences): Float64Array {
  return Float64Array.from(sessions, (s) => {
    let best = 0;
    for (const [e, count] of countsOf(s)) best = Math.max(best, eventRarity(model, e, count, s.length));
    return best;
  });
}

function percent(x: number): string {
  return x === 0 ? '0 %' : x < 0.001 ? `${(100 * x).toFixed(3)} %` : `${(100 * x).toFixed(1)} %`;
}

function burstText(burst: Burst | undefined): string {
  return burst
    ? `, ${burst.observed} of them in the hour from ${new Date(burst.bucketStart).toISOString().slice(0, 16)}Z where the traffic predicts ${burst.expected.toFixed(1)}`
    : '';
}

function findingText(model: RareEventsModel, event: string, count: number, length: number, seenIn: number): string {
  if (seenIn === 0) return `${event} (×${count}) was never seen in ${model.sessions} training sessions`;
  if (count >= 2 && eventRarity(model, event, count, length) > presenceRarity(model, event)) {
    const repeated = repeatedIn(model, event, count);
    const part = percentOf(count, length);
    const dominated = dominatedIn(model, event, part);
    return (
      `${event} ×${count}: ${count} or more times in ${percent(share(model, repeated))} of training sessions (${repeated} of ${model.sessions}), ` +
      `${part} % or more of a session's events in ${percent(share(model, dominated))} (${dominated})`
    );
  }
  return `${event} (×${count}) is in ${percent(share(model, seenIn))} of training sessions (${seenIn} of ${model.sessions})${burstText(model.bursts[event])}`;
}

export const rareEventsDetector: SessionDetector<RareEventsModel> = {
  name: 'rare_events',
  // An event that half the sessions contain is never rare, whatever the alert rate.
  floor: -Math.log10(0.5),
  fit: async (training, params) => fitRareEvents(training, params.starts),
  score: async (model, sessions) => scoreRareEvents(model, sessions),
  // The event is in fewer than RARE_EVENT_SHARE of training sessions.
  autoThreshold: (model) => rarityOf(model, RARE_EVENT_SHARE * model.sessions),
  async explain(model, session, top): Promise<SessionFinding[]> {
    return [...countsOf(session)]
      .map(([event, count]) => ({ event, count, seenIn: model.seenIn[event] ?? 0, rarity: eventRarity(model, event, count, session.length) }))
      .sort((a, b) => b.rarity - a.rarity || a.event.localeCompare(b.event))
      .slice(0, top)
      .map(({ event, count, seenIn }) => ({ detector: 'rare_events', text: findingText(model, event, count, session.length, seenIn), events: [event] }));
  },
  toArtifact: async (model) => model,
  async fromArtifact(artifact) {
    const a = artifact as RareEventsModel;
    if (
      a?.kind !== 'rare_events' ||
      typeof a.seenIn !== 'object' ||
      typeof a.bursts !== 'object' ||
      typeof a.repeats !== 'object' ||
      typeof a.shares !== 'object'
    )
      throw new BadInputError('not a rare_events artifact; retrain with `sentinel train`');
    return a;
  },
};
