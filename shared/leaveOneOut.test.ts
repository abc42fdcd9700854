import { describe, expect, it } from 'vitest';
import { leaveOneOut } from './leaveOneOut';

describe('leaveOneOut', () => {
  it('chooses each fold by the other systems, so a rule fitted to one system does not count there', () => {
    // Setting 1 only helps system 0; elsewhere it equals setting 0.
    const scores = [
      [0.5, 0.9, 0.9],
      [1.0, 0.9, 0.9],
    ];
    const loso = leaveOneOut(scores);
    // Held out 0: the others tie, the tie goes to setting 0, which scores 0.5 on system 0.
    expect(loso.folds).toEqual([
      { chosen: 0, score: 0.5 },
      { chosen: 1, score: 0.9 },
      { chosen: 1, score: 0.9 },
    ]);
    expect(loso.mean).toBeCloseTo((0.5 + 0.9 + 0.9) / 3);
  });

  it('equals the plain mean when one setting is best everywhere', () => {
    const loso = leaveOneOut([
      [0.7, 0.8],
      [0.9, 0.95],
    ]);
    expect(loso.mean).toBeCloseTo(0.925);
    expect(loso.folds.map((f) => f.chosen)).toEqual([1, 1]);
  });

  it('refuses ragged or empty input', () => {
    expect(() => leaveOneOut([])).toThrow(/at least one/);
    expect(() => leaveOneOut([[1, 2], [1]])).toThrow(/one score per system/);
  });
});
