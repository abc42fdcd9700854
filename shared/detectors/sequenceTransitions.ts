/**
 * Unusual event order in sessions: a first-order transition model over template ids (a lightweight
 * cousin of DeepLog's next-event check). Fit counts transitions a→b, including session start and
 * end; a session scores by the share of its transitions that are rare (P(b|a) < minProbability)
 * or involve templates never seen in training. Deterministic, instant to fit, explainable.
 */
export interface TransitionModel {
  readonly minProbability: number;
  /** from → to → count; '^' marks session start and '$' session end. */
  readonly counts: Record<string, Record<string, number>>;
  readonly totals: Record<string, number>;
  readonly sessions: number;
}

export interface TransitionFinding {
  from: string;
  to: string;
  probability: number;
  position: number;
}

const START = '^';
const END = '$';

function transitions(sequence: readonly string[]): [string, string][] {
  const seq = [START, ...sequence, END];
  return seq.slice(1).map((to, i) => [seq[i], to]);
}

export function fitTransitions(sessions: readonly (readonly string[])[], minProbability = 0.01): TransitionModel {
  // Counted in Maps (the same keys in the same first-seen order as the records they become), one
  // step at a time: a pair array per transition was most of the fit's time and garbage.
  const counts = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  const count = (a: string, b: string) => {
    let row = counts.get(a);
    if (!row) counts.set(a, (row = new Map()));
    row.set(b, (row.get(b) ?? 0) + 1);
    totals.set(a, (totals.get(a) ?? 0) + 1);
  };
  for (const s of sessions) {
    let previous = START;
    for (const e of s) {
      count(previous, e);
      previous = e;
    }
    count(previous, END);
  }
  return {
    minProbability,
    counts: Object.fromEntries([...counts].map(([a, row]) => [a, Object.fromEntries(row)])),
    totals: Object.fromEntries(totals),
    sessions: sessions.length,
  };
}

export function transitionProbability(model: TransitionModel, from: string, to: string): number {
  const total = model.totals[from];
  return total ? (model.counts[from]?.[to] ?? 0) / total : 0;
}

/** Rare or unseen transitions of one session, in order. */
export function unusualTransitions(model: TransitionModel, sequence: readonly string[]): TransitionFinding[] {
  return transitions(sequence)
    .map(([from, to], position) => ({ from, to, position, probability: transitionProbability(model, from, to) }))
    .filter((t) => t.probability < model.minProbability);
}

/** Share of a session's transitions that are unusual, in [0, 1] (`unusualTransitions(…).length / (length + 1)`). */
export function scoreTransitions(model: TransitionModel, sequences: readonly (readonly string[])[]): Float64Array {
  return Float64Array.from(sequences, (s) => {
    let unusual = 0;
    let previous = START;
    for (const e of s) {
      if (transitionProbability(model, previous, e) < model.minProbability) unusual++;
      previous = e;
    }
    if (transitionProbability(model, previous, END) < model.minProbability) unusual++;
    return unusual / (s.length + 1);
  });
}
