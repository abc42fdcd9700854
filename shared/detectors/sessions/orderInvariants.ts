/**
 * Order invariants: relations about the order of events that hold in nearly every training
 * session, the temporal invariants of Perracotta (Yang et al., ICSE 2006) and Synoptic (Beschastnikh
 * et al., FSE 2011), mined without labels:
 * - `A precedes B`: every session with B has an A before its first B (checkout before payment);
 * - `A followed by B`: every session with A has a B after its last A (open, then close);
 * - `A never followed by B`: no B after the first A (nothing after logout).
 * A session that breaks one skipped, reversed or continued a step of its workflow, which counts
 * alone cannot see. Unlike first-order transitions, these relations are about whole sessions, so
 * lines that interleave (three datanodes logging the same block) do not break them: a relation
 * that interleaving breaks in more than 2 % of sessions is never mined.
 *
 * A relation is mined when the training sessions it is about (those with B, with A, or with both)
 * show, at 95 % confidence, that fewer than 2 % (1 − ROUTINE_SHARE, loglizer's invariant share) of
 * such sessions break it: a one-sided binomial test, not the observed share alone. With a point
 * estimate, a relation about a rarely used event (a declined payment, 215 sessions) held in 98.1 %
 * of them by chance, broke in 8 % of the next day's, and each such session was a false alarm
 * (generated seed 7: 6 of 7). The test needs at least 149 sessions with no exception, 300 with one.
 */
import { BadInputError } from '../../errors';
import { vocabularyOf } from './eventCounts';
import { eventOrderEvidence, unresolvedOrderNote, type EventOrderEvidence } from './eventOrder';
import { binomialLowerTail } from '../../stats/binomial';
import { INVARIANT_CONFIDENCE, ROUTINE_SHARE } from './routine';
import type { SessionDetector, SessionFinding, SessionTimes, Sequences } from './types';

export type OrderRelationKind = 'precedes' | 'followed_by' | 'never_followed_by';

export interface OrderRelation {
  kind: OrderRelationKind;
  /** Vocabulary indices of A and B in "A <kind> B". */
  a: number;
  b: number;
  /** Share of the training sessions the relation is about in which it holds. */
  support: number;
}

export interface OrderInvariantsModel {
  kind: 'order_invariants';
  vocabulary: string[];
  relations: OrderRelation[];
  /** Whether the training log can order events at all (./eventOrder); no relation is mined when not. */
  order: EventOrderEvidence;
}

/**
 * When each event of the vocabulary first and last occurs in one session (−1: absent): its
 * timestamp when known, else its position. Two events logged in the same millisecond (or the same
 * second, in logs with second resolution) have no order, so a relation about them is not tested.
 */
interface Positions {
  first: Float64Array;
  last: Float64Array;
  /** Vocabulary indices present in the session. */
  present: number[];
}

function positionsOf(index: ReadonlyMap<string, number>, m: number, session: readonly string[], times?: ArrayLike<number>): Positions {
  const pos: Positions = { first: new Float64Array(m).fill(-1), last: new Float64Array(m).fill(-1), present: [] };
  return fillPositions(pos, index, session, times);
}

/**
 * `positionsOf` into arrays kept from one session to the next: `pos` must be all −1 with no
 * present event (new, or after `clearPositions`). Mining and scoring walk thousands of sessions,
 * and two arrays of the vocabulary's size per session were most of their garbage.
 */
function fillPositions(pos: Positions, index: ReadonlyMap<string, number>, session: readonly string[], times?: ArrayLike<number>): Positions {
  const { first, last, present } = pos;
  for (let p = 0; p < session.length; p++) {
    const j = index.get(session[p]);
    if (j === undefined) continue;
    const at = times ? times[p] : p;
    if (first[j] < 0) {
      first[j] = at;
      present.push(j);
    }
    last[j] = at;
  }
  return pos;
}

function clearPositions(pos: Positions): void {
  for (const j of pos.present) {
    pos.first[j] = -1;
    pos.last[j] = -1;
  }
  pos.present.length = 0;
}

/** Whether the session keeps the relation; `undefined` when the relation is not about it or the order is a tie. */
function keeps(kind: OrderRelationKind, a: number, b: number, pos: Positions): boolean | undefined {
  const { first, last } = pos;
  const before = (x: number, y: number) => (x === y ? undefined : x < y);
  switch (kind) {
    case 'precedes':
      return first[b] < 0 ? undefined : first[a] < 0 ? false : before(first[a], first[b]);
    case 'followed_by':
      return first[a] < 0 ? undefined : last[b] < 0 ? false : before(last[a], last[b]);
    case 'never_followed_by':
      return first[a] < 0 || first[b] < 0 ? undefined : before(last[b], first[a]);
  }
}

const KINDS: readonly OrderRelationKind[] = ['precedes', 'followed_by', 'never_followed_by'];

/** A kind's verdict for one pair in one session where both events are present: held when x comes before y, a tie when equal. */
function countVerdict(counts: Float64Array, c: number, kind: number, x: number, y: number): void {
  if (x === y) counts[c + TIED[kind]]++;
  else if (x < y) counts[c + HELD[kind]]++;
}

/** Counters of co-occurring ordered pairs of frequent events, PAIR_FIELDS numbers each from `slot(a, b)`. */
export interface PairCounters {
  counts: Float64Array;
  slot(a: number, b: number): number;
  /** Every pair that has a slot, with its slot. */
  forEach(visit: (a: number, b: number, slot: number) => void): void;
}

const PAIR_FIELDS = 7;
/** Up to this many frequent events the counters are one dense table (400² pairs: 9 MB); above it, a map of the pairs seen. */
const DENSE_PAIR_EVENTS = 400;

/**
 * Pair counters for the events with `frequent[j]` set. A dense table over the frequent events
 * (no lookup per pair: mining visits every co-occurring pair of every session) when there are few
 * enough, else slots handed out as pairs are first seen.
 */
export function pairCounters(frequent: ArrayLike<number>, denseLimit = DENSE_PAIR_EVENTS): PairCounters {
  const m = frequent.length;
  const compact = new Int32Array(m).fill(-1);
  const events: number[] = [];
  for (let j = 0; j < m; j++) if (frequent[j]) compact[j] = events.push(j) - 1;
  const f = events.length;
  if (f <= denseLimit) {
    const counts = new Float64Array(f * f * PAIR_FIELDS);
    return {
      counts,
      slot: (a, b) => (compact[a] * f + compact[b]) * PAIR_FIELDS,
      forEach(visit) {
        for (let x = 0; x < f; x++)
          for (let y = 0; y < f; y++) {
            const c = (x * f + y) * PAIR_FIELDS;
            if (counts[c + BOTH] > 0) visit(events[x], events[y], c);
          }
      },
    };
  }
  const slots = new Map<number, number>();
  const table: PairCounters = {
    counts: new Float64Array(1024 * PAIR_FIELDS),
    slot(a, b) {
      const key = a * m + b;
      let c = slots.get(key);
      if (c === undefined) {
        c = slots.size * PAIR_FIELDS;
        slots.set(key, c);
        if (c + PAIR_FIELDS > table.counts.length) {
          const grown = new Float64Array(2 * table.counts.length);
          grown.set(table.counts);
          table.counts = grown;
        }
      }
      return c;
    },
    forEach(visit) {
      for (const [key, c] of slots) visit(Math.floor(key / m), key % m, c);
    },
  };
  return table;
}

/** Per co-occurring ordered pair (a, b): sessions with both, then per kind the ties and the sessions that keep it. */
const BOTH = 0;
const TIED = [1, 2, 3] as const;
const HELD = [4, 5, 6] as const;

/**
 * Whether `exceptions` in `n` sessions show the exception rate to be below 1 − minSupport: if the
 * rate were exactly that, so few exceptions would happen with probability at most 1 − INVARIANT_CONFIDENCE.
 */
export function holdsReliably(exceptions: number, n: number, minSupport = ROUTINE_SHARE): boolean {
  return binomialLowerTail(exceptions, n, 1 - minSupport) <= 1 - INVARIANT_CONFIDENCE;
}

export function mineOrderInvariants(training: Sequences, times?: SessionTimes, minSupport = ROUTINE_SHARE): OrderInvariantsModel {
  const order = eventOrderEvidence(times);
  if (!order.resolved) return { kind: 'order_invariants', vocabulary: [], relations: [], order };
  // The fewest sessions on which a relation can pass the test: all of them keep it.
  const minActive = Math.ceil(Math.log(1 - INVARIANT_CONFIDENCE) / Math.log(minSupport) - 1e-9);
  const vocabulary = vocabularyOf(training);
  const m = vocabulary.length;
  const index = new Map(vocabulary.map((e, j) => [e, j]));
  const pos: Positions = { first: new Float64Array(m).fill(-1), last: new Float64Array(m).fill(-1), present: [] };
  const presence = new Float64Array(m);
  for (const session of training) {
    for (const j of fillPositions(pos, index, session).present) presence[j]++;
    clearPositions(pos);
  }
  // Every relation needs one of its events in minActive sessions and the other in 98 % of those,
  // so rarer events take part in none: pairs are counted among the frequent ones only.
  const frequent = presence.map((n) => (n >= minSupport * minActive ? 1 : 0));
  // Only pairs that occur together are counted; a relation's sessions where the other event is
  // absent follow from `presence` (precedes and followed_by are broken there, never_followed_by
  // is not about them).
  const pairs = pairCounters(frequent);
  const present: number[] = [];
  training.forEach((session, i) => {
    fillPositions(pos, index, session, times?.[i]);
    const { first, last } = pos;
    present.length = 0;
    for (const j of pos.present) if (frequent[j]) present.push(j);
    for (const a of present) {
      for (const b of present) {
        if (a === b) continue;
        const c = pairs.slot(a, b);
        pairs.counts[c + BOTH]++;
        // keeps() of each kind, inline: first[a], first[b] ≥ 0 here (both are present).
        // precedes: first[a] before first[b]; followed_by: last[a] before last[b];
        // never_followed_by: last[b] before first[a]. Equal times are ties (no verdict).
        countVerdict(pairs.counts, c, 0, first[a], first[b]);
        countVerdict(pairs.counts, c, 1, last[a], last[b]);
        countVerdict(pairs.counts, c, 2, last[b], first[a]);
      }
    }
    clearPositions(pos);
  });
  const relations: OrderRelation[] = [];
  pairs.forEach((a, b, c) => {
    const counts = pairs.counts;
    // Sessions each relation is about: with b (precedes), with a (followed_by), with both (never_followed_by); ties excluded.
    const about = [presence[b], presence[a], counts[c + BOTH]];
    KINDS.forEach((kind, k) => {
      const n = about[k] - counts[c + TIED[k]];
      if (n < minActive) return;
      const support = counts[c + HELD[k]] / n;
      if (support >= minSupport && holdsReliably(n - counts[c + HELD[k]], n, minSupport)) relations.push({ kind, a, b, support });
    });
  });
  // The most reliable relations first: they explain a session best.
  relations.sort((x, y) => y.support - x.support || x.a - y.a || x.b - y.b || KINDS.indexOf(x.kind) - KINDS.indexOf(y.kind));
  return { kind: 'order_invariants', vocabulary, relations, order };
}

/** The event whose presence makes a relation about a session: B of "A precedes B", A otherwise. */
const triggerOf = (r: OrderRelation) => (r.kind === 'precedes' ? r.b : r.a);

/** What scoring needs, built once per model: the vocabulary index and the relations by trigger event, in model order. */
interface OrderIndex {
  events: Map<string, number>;
  byTrigger: Map<number, OrderRelation[]>;
  rank: Map<OrderRelation, number>;
}

const indexes = new WeakMap<OrderInvariantsModel, OrderIndex>();

function indexOf(model: OrderInvariantsModel): OrderIndex {
  let idx = indexes.get(model);
  if (!idx) {
    const byTrigger = new Map<number, OrderRelation[]>();
    for (const r of model.relations) (byTrigger.get(triggerOf(r)) ?? byTrigger.set(triggerOf(r), []).get(triggerOf(r))!).push(r);
    idx = { events: new Map(model.vocabulary.map((e, j) => [e, j])), byTrigger, rank: new Map(model.relations.map((r, i) => [r, i])) };
    indexes.set(model, idx);
  }
  return idx;
}

/** How many of the model's relations each session breaks (what `brokenRelations(…).length` is, without the list). */
function brokenRelationCounts(model: OrderInvariantsModel, sessions: Sequences, times?: SessionTimes): Float64Array {
  const { events, byTrigger } = indexOf(model);
  const m = model.vocabulary.length;
  const pos: Positions = { first: new Float64Array(m).fill(-1), last: new Float64Array(m).fill(-1), present: [] };
  const out = new Float64Array(sessions.length);
  for (let i = 0; i < sessions.length; i++) {
    fillPositions(pos, events, sessions[i], times?.[i]);
    let broken = 0;
    for (const j of pos.present) {
      const triggered = byTrigger.get(j);
      if (triggered) for (const r of triggered) if (keeps(r.kind, r.a, r.b, pos) === false) broken++;
    }
    out[i] = broken;
    clearPositions(pos);
  }
  return out;
}

function brokenRelations(model: OrderInvariantsModel, session: readonly string[], times?: ArrayLike<number>): OrderRelation[] {
  const { events, byTrigger, rank } = indexOf(model);
  const pos = positionsOf(events, model.vocabulary.length, session, times);
  const broken = pos.present.flatMap((j) => (byTrigger.get(j) ?? []).filter((r) => keeps(r.kind, r.a, r.b, pos) === false));
  // Model order (most reliable first), whatever order the session's events came in.
  return broken.length > 1 ? broken.sort((x, y) => rank.get(x)! - rank.get(y)!) : broken;
}

const RELATION_WORDS: Record<OrderRelationKind, (a: string, b: string) => string> = {
  precedes: (a, b) => `${b} without ${a} before it`,
  followed_by: (a, b) => `${a} not followed by ${b}`,
  never_followed_by: (a, b) => `${b} after ${a}`,
};

const KEPT_WORDS: Record<OrderRelationKind, string> = {
  precedes: 'with the second event have the first before it',
  followed_by: 'with the first event have the second after it',
  never_followed_by: 'with both have none of the second after the first',
};

function describe(model: OrderInvariantsModel, r: OrderRelation): SessionFinding {
  const [a, b] = [model.vocabulary[r.a], model.vocabulary[r.b]];
  return {
    detector: 'order_invariants',
    text: `${RELATION_WORDS[r.kind](a, b)}; ${(100 * r.support).toFixed(1)} % of the training sessions ${KEPT_WORDS[r.kind]}`,
    events: [a, b],
  };
}

export const orderInvariantsDetector: SessionDetector<OrderInvariantsModel> = {
  name: 'order_invariants',
  floor: 0,
  fit: async (training, { times }) => mineOrderInvariants(training, times),
  score: async (model, sessions, times) => brokenRelationCounts(model, sessions, times),
  // As `invariants`: a session that breaks any mined relation is anomalous.
  autoThreshold: () => 1,
  explain: async (model, session, top, times) =>
    brokenRelations(model, session, times)
      .slice(0, top)
      .map((r) => describe(model, r)),
  note: (model) => unresolvedOrderNote(model.order),
  toArtifact: async (model) => model,
  async fromArtifact(artifact) {
    const a = artifact as OrderInvariantsModel;
    if (a?.kind !== 'order_invariants' || !Array.isArray(a.relations) || typeof a.order?.resolved !== 'boolean')
      throw new BadInputError('not an order_invariants artifact; retrain with `sentinel train`');
    return a;
  },
};
