import { describe, expect, it } from 'vitest';
import { fitTransitions, scoreTransitions, unusualTransitions } from './sequenceTransitions';

const normal = [
  ['login', 'view', 'view', 'cart', 'checkout', 'pay', 'logout'],
  ['login', 'view', 'cart', 'checkout', 'pay', 'logout'],
  ['login', 'view', 'logout'],
];

describe('sequenceTransitions', () => {
  const model = fitTransitions(Array.from({ length: 50 }, (_, i) => normal[i % 3]));

  it('scores normal sessions 0 and out-of-order or unseen events above 0', () => {
    const [a, b, c] = scoreTransitions(model, [normal[0], ['login', 'pay', 'logout'], ['login', 'view', 'export_all', 'logout']]);
    expect(a).toBe(0);
    expect(b).toBeCloseTo(1 / 4);
    expect(unusualTransitions(model, ['login', 'pay', 'logout']).map((t) => `${t.from}->${t.to}`)).toEqual(['login->pay']);
    expect(c).toBeGreaterThan(0.3);
  });

  it('explains which transitions were unusual, including a missing start', () => {
    expect(unusualTransitions(model, ['pay', 'logout'])).toEqual(
      [
        { from: '^', to: 'pay', position: 0, probability: 0 },
        { from: 'pay', to: 'logout', position: 1, probability: 1 },
      ].filter((t) => t.probability < 0.01),
    );
  });
});
