/**
 * Persistence filter: each window's score becomes the median of itself and its two neighbours of
 * the same service (a 3-point median filter, like an alert rule's `for: 2m`). One noisy minute no
 * longer fires, while an incident of two or more windows keeps its score — its first and last
 * windows included, since each has one high neighbour. Rows may come in any order.
 */
export function medianOfThree(scores: Float64Array, service: readonly string[], windowStart: Float64Array, windowMs: number): Float64Array {
  return medianOfThreeWith(scores, windowNeighbours(service, windowStart, windowMs));
}

/** Each row's previous and next window of the same service, one window length away (−1: none). */
export interface WindowNeighbours {
  prev: Int32Array;
  next: Int32Array;
}

/**
 * The neighbours of every row, found once for all the persistent detectors of a scoring pass.
 * Rows are ordered by service, then window start, then row (a stable sort); services are compared
 * by rank rather than as strings in every comparison.
 */
export function windowNeighbours(service: readonly string[], windowStart: Float64Array, windowMs: number): WindowNeighbours {
  const n = service.length;
  const names = [...new Set(service)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rankOf = new Map(names.map((s, i) => [s, i]));
  const rank = Int32Array.from(service, (s) => rankOf.get(s)!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rank[a] - rank[b] || windowStart[a] - windowStart[b]);
  const prev = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const adjacent = (row: number, other: number) => rank[other] === rank[row] && Math.abs(windowStart[other] - windowStart[row]) === windowMs;
  for (let k = 0; k < n; k++) {
    const row = order[k];
    if (k > 0 && adjacent(row, order[k - 1])) prev[row] = order[k - 1];
    if (k + 1 < n && adjacent(row, order[k + 1])) next[row] = order[k + 1];
  }
  return { prev, next };
}

export function medianOfThreeWith(scores: Float64Array, { prev, next }: WindowNeighbours): Float64Array {
  const out = new Float64Array(scores.length);
  for (let row = 0; row < scores.length; row++) {
    const self = scores[row];
    // A missing neighbour counts as "normal" (0), so a lone spike at a partition edge is filtered too.
    const a = prev[row] < 0 ? 0 : scores[prev[row]];
    const b = next[row] < 0 ? 0 : scores[next[row]];
    out[row] = Math.max(Math.min(self, a), Math.min(Math.max(self, a), b));
  }
  return out;
}
