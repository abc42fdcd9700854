/**
 * Sessions as event-count vectors (loglizer's "event count matrix"): one row per session, one
 * column per event (template id) seen in training. Events a session has that training never saw
 * are counted apart, in `unseen`, so a vector never silently drops them.
 */
export interface EventCounts {
  readonly vocabulary: readonly string[];
  readonly rows: number;
  /** rows × vocabulary.length counts, row-major. */
  readonly data: Float64Array;
  /** Per row: events outside the vocabulary. */
  readonly unseen: Float64Array;
}

/** The events of the training sessions, sorted so one training set gives one column order. */
export function vocabularyOf(sequences: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  for (const s of sequences) for (const e of s) seen.add(e);
  return [...seen].sort();
}

export function countEvents(vocabulary: readonly string[], sequences: readonly (readonly string[])[]): EventCounts {
  const index = new Map(vocabulary.map((e, j) => [e, j]));
  const m = vocabulary.length;
  const data = new Float64Array(sequences.length * m);
  const unseen = new Float64Array(sequences.length);
  sequences.forEach((s, i) => {
    for (const e of s) {
      const j = index.get(e);
      if (j === undefined) unseen[i]++;
      else data[i * m + j]++;
    }
  });
  return { vocabulary, rows: sequences.length, data, unseen };
}

/** Distinct count vectors with how many sessions share each: real sessions repeat a few shapes. */
export interface DistinctRows {
  /** Row index (into the EventCounts) of each distinct vector's first session. */
  readonly first: Int32Array;
  readonly weight: Float64Array;
}

export function distinctRows(counts: EventCounts): DistinctRows {
  const m = counts.vocabulary.length;
  const byKey = new Map<string, number>();
  const first: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < counts.rows; i++) {
    // The nonzero entries name the vector as the whole row would, without a string per zero.
    let key = '';
    for (let j = i * m; j < (i + 1) * m; j++) if (counts.data[j] !== 0) key += `${j - i * m}:${counts.data[j]},`;
    const k = byKey.get(key);
    if (k === undefined) {
      byKey.set(key, first.length);
      first.push(i);
      weight.push(1);
    } else weight[k]++;
  }
  return { first: Int32Array.from(first), weight: Float64Array.from(weight) };
}

/** Share of sessions that contain each event at least once. */
export function sessionFrequency(counts: EventCounts): Float64Array {
  const m = counts.vocabulary.length;
  const out = new Float64Array(m);
  for (let i = 0; i < counts.rows; i++) for (let j = 0; j < m; j++) if (counts.data[i * m + j] > 0) out[j]++;
  for (let j = 0; j < m; j++) out[j] /= Math.max(1, counts.rows);
  return out;
}
