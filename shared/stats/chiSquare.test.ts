import { describe, expect, it } from 'vitest';
import { chiSquareTail } from './chiSquare';

describe('chiSquareTail', () => {
  it('matches tabulated upper-tail probabilities', () => {
    // scipy.stats.chi2.sf values.
    expect(chiSquareTail(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareTail(23.209251158954356, 10)).toBeCloseTo(0.01, 10);
    expect(chiSquareTail(45.64168266628317, 26)).toBeCloseTo(0.01, 10);
    expect(chiSquareTail(2, 2)).toBeCloseTo(Math.exp(-1), 12);
    expect(chiSquareTail(0, 5)).toBe(1);
  });
});
