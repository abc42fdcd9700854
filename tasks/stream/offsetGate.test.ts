import { describe, expect, it } from 'vitest';
import { OffsetGate } from './offsetGate';

describe('OffsetGate', () => {
  it('lets offsets through in order per partition, drops repeats, accepts gaps, and starts over on reset', () => {
    const g = new OffsetGate();
    expect([5, 6, 7].map((o) => g.admit(0, o))).toEqual([true, true, true]);
    expect(g.admit(0, 6)).toBe(false);
    expect(g.admit(0, 10)).toBe(true);
    expect(g.admit(1, 100)).toBe(true);
    expect(g.dropped).toBe(1);
    g.reset();
    expect(g.admit(0, 4)).toBe(true);
  });
});
