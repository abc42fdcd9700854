/**
 * Persistence filter: each window's score becomes the median of itself and its two neighbours of
 * the same service (a 3-point median filter, like an alert rule's `for: 2m`). One noisy minute no
 * longer fires, while an incident of two or more windows keeps its score — its first and last
 * windows included, since each has one high neighbour. Rows may come in any order.
 */
export function medianOfThree(scores: Float64Array, service: readonly string[], windowStart: Float64Array, windowMs: number): Float64Array {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) =>
    service[a] < service[b] ? -1 : service[a] > service[b] ? 1 : windowStart[a] - windowStart[b],
  );
  const out = new Float64Array(scores.length);
  order.forEach((row, k) => {
    const adjacent = (j: number) => {
      const other = order[j];
      return other !== undefined && service[other] === service[row] && Math.abs(windowStart[other] - windowStart[row]) === windowMs ? scores[other] : undefined;
    };
    const prev = adjacent(k - 1);
    const next = adjacent(k + 1);
    const self = scores[row];
    // A missing neighbour counts as "normal" (0), so a lone spike at a partition edge is filtered too.
    const a = prev ?? 0;
    const b = next ?? 0;
    out[row] = Math.max(Math.min(self, a), Math.min(Math.max(self, a), b));
  });
  return out;
}
