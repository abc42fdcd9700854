/**
 * Invariants mining (Lou et al., USENIX ATC 2010; loglizer's InvariantsMiner): linear relations
 * among a session's event counts that hold in nearly every training session, such as
 * count(open) = count(close) or 3·count(allocate) = count(receive). A session that breaks one is
 * unusual — its workflow skipped, repeated or aborted a step — and the broken relation, with the
 * counts, is the explanation. Mined without labels: a relation must hold in `minSupport` of the
 * training sessions (loglizer's `percentage`, 0.98), so a few anomalous sessions in training do not
 * stop it from being found.
 *
 * Search, as loglizer does, from small to large: pairs b·x_i = a·x_j (the ratio that most sessions
 * using either event show), then triples from the null vector of their 3 × 3 Gram matrix rounded
 * to small integers, skipping any set of events that already holds an invariant. Counts are
 * integers, so "holds" is exact equality.
 */
import { BadInputError } from '../../errors';
import { symmetricEigen } from '../../linalg/symmetricEigen';
import { countEvents, distinctRows, vocabularyOf, type EventCounts } from './eventCounts';
import { ROUTINE_SHARE } from './routine';
import type { SessionDetector, SessionFinding, Sequences } from './types';

export interface Invariant {
  /** Vocabulary columns and their integer coefficients: Σ coefficient·count = 0. */
  columns: number[];
  coefficients: number[];
  /** Share of training sessions in which it holds. */
  support: number;
}

export interface InvariantsModel {
  kind: 'invariants';
  vocabulary: string[];
  invariants: Invariant[];
}

export interface InvariantsParams {
  minSupport?: number;
  /** Largest integer coefficient considered (loglizer rounds null vectors the same way). */
  maxCoefficient?: number;
  /** Events in one relation at most (loglizer searches up to 3 or 4). */
  maxTerms?: number;
  /** Triples are searched among at most this many of the most common events (cost grows as m³). */
  maxTripleEvents?: number;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : Math.abs(a));

function column(counts: EventCounts, rows: Int32Array, j: number): Float64Array {
  const m = counts.vocabulary.length;
  return Float64Array.from(rows, (r) => counts.data[r * m + j]);
}

/**
 * Share of the sessions using any of the events in which the relation holds. Sessions without any
 * of them satisfy every relation trivially: counting them would let two rare events that are both
 * absent from most sessions pass as an invariant.
 */
function activeSupport(cols: Float64Array[], coefficients: readonly number[], weight: Float64Array): { support: number; active: number } {
  let held = 0;
  let active = 0;
  for (let r = 0; r < weight.length; r++) {
    let s = 0;
    let any = false;
    for (let k = 0; k < cols.length; k++) {
      s += coefficients[k] * cols[k][r];
      any ||= cols[k][r] !== 0;
    }
    if (!any) continue;
    active += weight[r];
    if (s === 0) held += weight[r];
  }
  return { support: active ? held / active : 0, active };
}

/** The ratio a:b of x_i:x_j that the most sessions using either event show, in lowest terms. */
function commonRatio(xi: Float64Array, xj: Float64Array, weight: Float64Array, maxCoefficient: number): [number, number] | null {
  const votes = new Map<string, number>();
  for (let r = 0; r < weight.length; r++) {
    if (!xi[r] || !xj[r]) continue;
    const g = gcd(xi[r], xj[r]);
    const a = xi[r] / g;
    const b = xj[r] / g;
    if (a > maxCoefficient || b > maxCoefficient) continue;
    votes.set(`${a}:${b}`, (votes.get(`${a}:${b}`) ?? 0) + weight[r]);
  }
  let best: string | null = null;
  for (const [k, w] of votes) if (best === null || w > votes.get(best)!) best = k;
  return best === null ? null : (best.split(':').map(Number) as [number, number]);
}

/**
 * The weighted Gram matrix Σ_r weight[r]·x_a[r]·x_b[r] of every ordered pair of the columns, each
 * entry summed over the rows in order (as the null vector of a triple used to sum it on its own).
 */
export function weightedGram(cols: readonly Float64Array[], weight: Float64Array): Float64Array {
  const k = cols.length;
  const gram = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const ca = cols[a];
    for (let b = 0; b < k; b++) {
      const cb = cols[b];
      let sum = 0;
      for (let r = 0; r < weight.length; r++) sum += weight[r] * ca[r] * cb[r];
      gram[a * k + b] = sum;
    }
  }
  return gram;
}

/** The k × k Gram matrix of the columns `of` (indices into a larger Gram matrix of `size` columns). */
function subGram(gram: Float64Array, size: number, of: readonly number[]): Float64Array {
  const k = of.length;
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[a * k + b] = gram[of[a] * size + of[b]];
  return out;
}

/** The smallest-eigenvalue direction of a k × k weighted Gram matrix, as small integers with all entries nonzero. */
function integerNullVector(gram: Float64Array, k: number, maxCoefficient: number): number[] | null {
  const { vectors } = symmetricEigen(gram, k);
  const v = Array.from({ length: k }, (_, a) => vectors[a * k + (k - 1)]);
  const smallest = Math.min(...v.map(Math.abs));
  if (smallest < 1e-3 * Math.max(...v.map(Math.abs))) return null;
  for (let scale = 1; scale <= maxCoefficient; scale++) {
    const scaled = v.map((x) => (x / smallest) * scale);
    const rounded = scaled.map(Math.round);
    if (rounded.every((x, a) => x !== 0 && Math.abs(x) <= maxCoefficient && Math.abs(x - scaled[a]) < 0.1)) {
      const g = rounded.reduce((acc, x) => gcd(acc, x), 0);
      const sign = Math.sign(rounded[0]);
      return rounded.map((x) => (sign * x) / g);
    }
  }
  return null;
}

export function mineInvariants(training: Sequences, params: InvariantsParams = {}): InvariantsModel {
  const minSupport = params.minSupport ?? ROUTINE_SHARE;
  const maxCoefficient = params.maxCoefficient ?? 3;
  const maxTerms = params.maxTerms ?? 3;
  // A share of 98 % can only be observed on 1 / (1 − 0.98) = 50 sessions or more.
  const minActive = Math.ceil(1 / (1 - minSupport) - 1e-9);
  const vocabulary = vocabularyOf(training);
  const counts = countEvents(vocabulary, training);
  const distinct = distinctRows(counts);
  const m = vocabulary.length;
  const cols = Array.from({ length: m }, (_, j) => column(counts, distinct.first, j));
  const found = new Map<string, Invariant>();
  const accept = (columns: number[], coefficients: number[]): Invariant | null => {
    const { support, active } = activeSupport(
      columns.map((j) => cols[j]),
      coefficients,
      distinct.weight,
    );
    return support >= minSupport && active >= minActive ? { columns, coefficients, support } : null;
  };
  const keep = (inv: Invariant) => found.set(`${inv.columns}|${inv.coefficients}`, inv);

  // A pair that some sessions break may be part of a longer relation that holds more often
  // (received = responded + re-replicated): add, one at a time, the event and coefficient that
  // raise the support most, up to `maxTerms` events.
  const extend = (inv: Invariant): Invariant => {
    let best = inv;
    while (best.support < 1 && best.columns.length < maxTerms) {
      let next = best;
      for (let k = 0; k < m; k++) {
        if (best.columns.includes(k)) continue;
        for (let c = -maxCoefficient; c <= maxCoefficient; c++) {
          const longer = c === 0 ? null : accept([...best.columns, k], [...best.coefficients, c]);
          if (longer && longer.support > next.support) next = longer;
        }
      }
      if (next === best) break;
      best = next;
    }
    return best;
  };
  const paired = new Set<string>();
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const ratio = commonRatio(cols[i], cols[j], distinct.weight, maxCoefficient);
      const pair = ratio && accept([i, j], [ratio[1], -ratio[0]]);
      if (!pair) continue;
      paired.add(`${i},${j}`);
      keep(extend(pair));
    }
  }
  // Triples among the most common events that no pair relates: rarer events hold too little evidence.
  const presence = cols.map((c) => c.reduce((s, x, r) => s + (x > 0 ? distinct.weight[r] : 0), 0));
  const common = Array.from({ length: m }, (_, j) => j)
    .filter((j) => presence[j] >= minActive)
    .sort((a, b) => presence[b] - presence[a] || a - b)
    .slice(0, params.maxTripleEvents ?? 40)
    .sort((a, b) => a - b);
  // Every triple's 3 × 3 Gram matrix is read from the common events' Gram matrix, summed once.
  const gram = weightedGram(
    common.map((j) => cols[j]),
    distinct.weight,
  );
  for (let a = 0; a < common.length; a++) {
    for (let b = a + 1; b < common.length; b++) {
      for (let c = b + 1; c < common.length; c++) {
        const [i, j, k] = [common[a], common[b], common[c]];
        if (paired.has(`${i},${j}`) || paired.has(`${i},${k}`) || paired.has(`${j},${k}`)) continue;
        const coefficients = integerNullVector(subGram(gram, common.length, [a, b, c]), 3, maxCoefficient);
        const triple = coefficients && accept([i, j, k], coefficients);
        if (triple) keep(triple);
      }
    }
  }
  return { kind: 'invariants', vocabulary, invariants: [...found.values()] };
}

function residual(inv: Invariant, counts: EventCounts, row: number): number {
  const m = counts.vocabulary.length;
  let s = 0;
  inv.columns.forEach((j, k) => {
    s += inv.coefficients[k] * counts.data[row * m + j];
  });
  return s;
}

/** Per session, how many invariants it breaks. */
export function brokenInvariantCounts(model: InvariantsModel, sessions: Sequences): Float64Array {
  const counts = countEvents(model.vocabulary, sessions);
  return Float64Array.from({ length: counts.rows }, (_, r) => model.invariants.reduce((n, inv) => n + (residual(inv, counts, r) !== 0 ? 1 : 0), 0));
}

/** "count(A) + 2·count(B) ≠ count(C): 3 + 2×1 = 5 vs 4; …", so a person can check the counts in the log. */
function describe(model: InvariantsModel, inv: Invariant, counts: EventCounts): SessionFinding {
  const side = (sign: number) => inv.columns.map((j, k) => ({ j, c: sign * inv.coefficients[k] })).filter(({ c }) => c > 0);
  const expression = (terms: { j: number; c: number }[]) => terms.map(({ j, c }) => `${c === 1 ? '' : `${c}·`}count(${model.vocabulary[j]})`).join(' + ');
  const values = (terms: { j: number; c: number }[]) => terms.map(({ j, c }) => `${c === 1 ? '' : `${c}×`}${counts.data[j]}`).join(' + ');
  const total = (terms: { j: number; c: number }[]) => terms.reduce((s, { j, c }) => s + c * counts.data[j], 0);
  const [left, right] = [side(1), side(-1)];
  const shown = (terms: { j: number; c: number }[]) => (terms.length === 1 && terms[0].c === 1 ? values(terms) : `${values(terms)} = ${total(terms)}`);
  return {
    detector: 'invariants',
    text: `${expression(left)} ≠ ${expression(right)}: ${shown(left)} vs ${shown(right)}; equal in ${(100 * inv.support).toFixed(1)} % of the training sessions with these events`,
    events: inv.columns.map((j) => model.vocabulary[j]),
  };
}

export const invariantsDetector: SessionDetector<InvariantsModel> = {
  name: 'invariants',
  floor: 0,
  fit: async (training) => mineInvariants(training),
  score: async (model, sessions) => brokenInvariantCounts(model, sessions),
  // Loglizer's rule: a session that breaks any mined invariant is anomalous.
  autoThreshold: () => 1,
  async explain(model, session, top) {
    const counts = countEvents(model.vocabulary, [session]);
    return model.invariants
      .filter((inv) => residual(inv, counts, 0) !== 0)
      .slice(0, top)
      .map((inv) => describe(model, inv, counts));
  },
  toArtifact: async (model) => model,
  async fromArtifact(artifact) {
    const a = artifact as InvariantsModel;
    if (a?.kind !== 'invariants' || !Array.isArray(a.invariants)) throw new BadInputError('not an invariants artifact; retrain with `sentinel train`');
    return a;
  },
};
