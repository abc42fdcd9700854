import { describe, expect, it } from 'vitest';
import { averagePrecision, prf, rocAuc } from './metrics';

describe('metrics', () => {
  it('computes ROC AUC with ties averaged, as scikit-learn does', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });
  it('computes average precision and P/R/F1', () => {
    expect(averagePrecision([0.9, 0.8, 0.1], [1, 0, 1])).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(prf([1, 1, 0, 0], [1, 0, 1, 0])).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, tp: 1, fp: 1, fn: 1 });
  });
});
