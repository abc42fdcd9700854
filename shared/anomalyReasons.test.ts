import { describe, expect, it } from 'vitest';
import { reasonOf } from './anomalyReasons';

describe('reasonOf', () => {
  it('prefers the summary, then the first two findings, then the top three contributions', () => {
    expect(reasonOf({ summary: 'invariant broken', findings: [{ text: 'x' }] })).toBe('invariant broken');
    expect(reasonOf({ findings: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] })).toBe('a; b');
    const contributions = [
      { feature: 'count', value: 1234.567, expected: 100 },
      { feature: 'error_rate', value: 0.123456, expected: 0.01 },
      { feature: 'latency_p95', value: Number.NaN, expected: 20 },
      { feature: 'warn_count', value: 1, expected: 1 },
    ];
    expect(reasonOf({ contributions })).toBe('count=1234.57 (normal 100), error_rate=0.12 (normal 0.01), latency_p95=NaN (normal 20)');
  });

  it('is empty for a missing explanation', () => {
    expect(reasonOf(null)).toBe('');
    expect(reasonOf(undefined)).toBe('');
  });
});
