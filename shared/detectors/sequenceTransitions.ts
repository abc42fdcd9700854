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
  const counts: Record<string, Record<string, number>> = {};
  const totals: Record<string, number> = {};
  for (const s of sessions) {
    for (const [a, b] of transitions(s)) {
      (counts[a] ??= {})[b] = (counts[a][b] ?? 0) + 1;
      totals[a] = (totals[a] ?? 0) + 1;
    }
  }
  return { minProbability, counts, totals, sessions: sessions.length };
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

/** Share of a session's transitions that are unusual, in [0, 1]. */
export function scoreTransitions(model: TransitionModel, sequences: readonly (readonly string[])[]): Float64Array {
  return Float64Array.from(sequences, (s) => unusualTransitions(model, s).length / (s.length + 1));
}
