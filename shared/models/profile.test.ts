import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { profileOf, psiAgainst } from './profile';

const normal = (n: number, mean: number, sd: number, seed: number) => {
  const r = createRandom(seed);
  return Float64Array.from({ length: n }, () => mean + sd * r.normal());
};

describe('PSI against a training profile', () => {
  const profile = profileOf(normal(20_000, 100, 10, 1));
  it('is near 0 for the same distribution', () => {
    expect(psiAgainst(profile, normal(5_000, 100, 10, 2))).toBeLessThan(0.02);
  });
  it('is moderate for a half-sigma shift and large for a two-sigma shift', () => {
    const half = psiAgainst(profile, normal(5_000, 105, 10, 3));
    expect(half).toBeGreaterThan(0.1);
    expect(half).toBeLessThan(0.5);
    expect(psiAgainst(profile, normal(5_000, 120, 10, 4))).toBeGreaterThan(1);
  });
  it('handles constant features and empty bins without infinities', () => {
    const p = profileOf(new Float64Array(100).fill(3));
    expect(psiAgainst(p, new Float64Array(10).fill(3))).toBe(0);
    expect(Number.isFinite(psiAgainst(p, new Float64Array(10).fill(9)))).toBe(true);
  });
});
