import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { medianOfThree, medianOfThreeWith, windowNeighbours } from './persistence';

/** The filter as it was written first: a sort with string comparisons and a closure per row. */
function reference(scores: Float64Array, service: readonly string[], windowStart: Float64Array, windowMs: number): Float64Array {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) =>
    service[a] < service[b] ? -1 : service[a] > service[b] ? 1 : windowStart[a] - windowStart[b],
  );
  const out = new Float64Array(scores.length);
  order.forEach((row, k) => {
    const adjacent = (j: number) => {
      const other = order[j];
      return other !== undefined && service[other] === service[row] && Math.abs(windowStart[other] - windowStart[row]) === windowMs ? scores[other] : undefined;
    };
    const self = scores[row];
    const a = adjacent(k - 1) ?? 0;
    const b = adjacent(k + 1) ?? 0;
    out[row] = Math.max(Math.min(self, a), Math.min(Math.max(self, a), b));
  });
  return out;
}

describe('the persistence filter', () => {
  it('is the 3-point median over each service’s adjacent windows, for rows in any order, with gaps and repeated windows', () => {
    const random = createRandom(9);
    const services = ['b', 'a', 'B', 'ä', 'a-1'];
    const n = 3_000;
    const service = Array.from({ length: n }, () => services[random.int(services.length)]);
    const windowStart = Float64Array.from({ length: n }, () => 60_000 * random.int(400));
    const scores = Float64Array.from({ length: n }, () => (random.next() < 0.1 ? 10 * random.next() : random.next()));
    expect(medianOfThree(scores, service, windowStart, 60_000)).toEqual(reference(scores, service, windowStart, 60_000));
    // One neighbour search serves every detector's scores.
    const neighbours = windowNeighbours(service, windowStart, 60_000);
    const other = scores.map((s) => 1 - s);
    expect(medianOfThreeWith(other, neighbours)).toEqual(reference(other, service, windowStart, 60_000));
  });
});
