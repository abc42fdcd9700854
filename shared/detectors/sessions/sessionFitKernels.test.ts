import { describe, expect, it } from 'vitest';
import { createRandom } from '../../random';
import { countEvents, distinctRows, vocabularyOf } from './eventCounts';
import { weightedGram } from './invariants';
import { pairCounters } from './orderInvariants';
import { fitTransitions, scoreTransitions, unusualTransitions } from '../sequenceTransitions';

function sessions(n: number, seed: number): string[][] {
  const random = createRandom(seed);
  const events = ['a', 'b', 'c', 'd', '17', 'e'];
  return Array.from({ length: n }, () => Array.from({ length: 1 + random.int(8) }, () => events[random.int(random.next() < 0.9 ? 3 : events.length)]));
}

describe('session fit kernels', () => {
  it('distinct count vectors: one per shape, weighted by how many sessions share it, in first-seen order', () => {
    const counts = countEvents(['a', 'b', 'c'], [['a', 'b'], ['b', 'a'], ['c'], ['a', 'b', 'b'], ['c'], []]);
    const distinct = distinctRows(counts);
    expect(Array.from(distinct.first)).toEqual([0, 2, 3, 5]);
    expect(Array.from(distinct.weight)).toEqual([2, 2, 1, 1]);
  });

  it('the weighted Gram matrix is Σ weight·x_a·x_b over the rows, for every ordered pair', () => {
    const cols = [Float64Array.from([1, 0, 2]), Float64Array.from([3, 1, 0]), Float64Array.from([0.5, 2, 1])];
    const weight = Float64Array.from([2, 1, 3]);
    const gram = weightedGram(cols, weight);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(gram[a * 3 + b]).toBe(weight.reduce((s, w, r) => s + w * cols[a][r] * cols[b][r], 0));
  });

  it('pair counters count the same in the dense table and in the map of pairs seen', () => {
    const frequent = Uint8Array.from([1, 0, 1, 1, 0, 1]);
    const dense = pairCounters(frequent);
    const sparse = pairCounters(frequent, 2);
    const random = createRandom(3);
    const frequentEvents = [0, 2, 3, 5];
    for (let i = 0; i < 500; i++) {
      const [a, b] = [frequentEvents[random.int(4)], frequentEvents[random.int(4)]];
      // Field 0 counts the sessions with both events; one of the others counts a verdict.
      const field = 1 + random.int(6);
      for (const t of [dense, sparse]) {
        t.counts[t.slot(a, b)]++;
        t.counts[t.slot(a, b) + field]++;
      }
    }
    const listed = (t: ReturnType<typeof pairCounters>) => {
      const out: string[] = [];
      t.forEach((a, b, c) => {
        out.push(`${a},${b}:${Array.from(t.counts.subarray(c, c + 7)).join(',')}`);
      });
      return out.sort();
    };
    expect(listed(sparse)).toEqual(listed(dense));
    expect(listed(dense).length).toBeGreaterThan(8);
  });

  it('transitions: scores are the share of unusual steps, and the counts keep first-seen key order', () => {
    const training = sessions(300, 1);
    const model = fitTransitions(training, 0.05);
    const probe = sessions(200, 2);
    expect(Array.from(scoreTransitions(model, probe))).toEqual(probe.map((s) => unusualTransitions(model, s).length / (s.length + 1)));
    const seen: string[] = [];
    for (const s of training) for (const e of ['^', ...s]) if (!seen.includes(e)) seen.push(e);
    // Integer-like keys ('17') come first in any object, as they did when the model was built as one.
    expect(Object.keys(model.counts)).toEqual(Object.keys(Object.fromEntries(seen.map((e) => [e, 0]))));
    expect(vocabularyOf(training)).toContain('17');
  });
});
