import { describe, expect, it } from 'vitest';
import { binomialLowerTail } from './binomial';

describe('binomialLowerTail', () => {
  it('matches tabulated values', () => {
    // Exact sums of the binomial terms (Python, math.comb).
    expect(binomialLowerTail(0, 149, 0.02)).toBeCloseTo(0.98 ** 149, 12);
    expect(binomialLowerTail(4, 215, 0.02)).toBeCloseTo(0.569856, 5);
    expect(binomialLowerTail(3, 10, 0.5)).toBeCloseTo(176 / 1024, 12);
    expect(binomialLowerTail(10, 10, 0.5)).toBe(1);
  });

  it('stays finite for large n', () => {
    const tail = binomialLowerTail(1_800, 100_000, 0.02);
    expect(tail).toBeGreaterThan(0);
    expect(tail).toBeLessThan(1e-5);
  });
});
