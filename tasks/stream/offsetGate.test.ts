import { describe, expect, it } from 'vitest';
import { OffsetGate } from './offsetGate';

describe('OffsetGate', () => {
  it('lets everything through before the first rebalance, in order per partition', () => {
    const g = new OffsetGate();
    expect([5, 6, 7].map((o) => g.admit(0, o))).toEqual([true, true, true]);
    expect(g.admit(0, 6)).toBe(false);
    expect(g.admit(1, 100)).toBe(true);
  });

  it('after a rebalance: drops stale messages, then only the refetch from the committed offset passes', () => {
    const g = new OffsetGate();
    for (let o = 0; o < 10; o++) g.admit(0, o);
    g.close();
    // Messages fetched before the rebalance, still arriving: dropped.
    expect(g.admit(0, 10)).toBe(false);
    g.assign(new Map([[0, 4]]));
    // A fetch that was in flight: beyond the start, before the refetch began.
    expect(g.admit(0, 11)).toBe(false);
    // The refetch from the committed offset 4, then a duplicate, then a gap.
    expect([4, 5, 6].map((o) => g.admit(0, o))).toEqual([true, true, true]);
    expect(g.admit(0, 5)).toBe(false);
    expect(g.admit(0, 9)).toBe(true);
    // A partition not assigned any more: dropped.
    expect(g.admit(1, 0)).toBe(false);
    expect(g.dropped).toBe(3);
    expect(g.notStarted()).toEqual([]);
  });

  it('reports assigned partitions whose refetch has not started', () => {
    const g = new OffsetGate();
    g.assign(
      new Map([
        [0, 0],
        [2, 50],
      ]),
    );
    g.admit(0, 0);
    expect(g.notStarted()).toEqual([2]);
  });
});
