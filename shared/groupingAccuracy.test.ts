import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './groupingAccuracy';

describe('groupingAccuracy', () => {
  it('is 1 when the partitions are equal, whatever the group names', () => {
    const ga = groupingAccuracy(['T1', 'T1', 'T2', 'T3'], ['E7', 'E7', 'E9', 'E4']);
    expect(ga).toEqual({ accuracy: 1, correctLines: 4, totalLines: 4, predictedGroups: 3, trueGroups: 3, correctGroups: 3 });
  });

  it('counts every line of a split true group as wrong', () => {
    // E1 (3 lines) is split into T1 + T2: those 3 lines are wrong; E2 is right.
    const ga = groupingAccuracy(['T1', 'T1', 'T2', 'T3', 'T3'], ['E1', 'E1', 'E1', 'E2', 'E2']);
    expect(ga.accuracy).toBeCloseTo(2 / 5);
    expect(ga.correctGroups).toBe(1);
  });

  it('counts every line of a merged predicted group as wrong', () => {
    const ga = groupingAccuracy(['T1', 'T1', 'T1', 'T2'], ['E1', 'E1', 'E2', 'E3']);
    expect(ga.accuracy).toBeCloseTo(1 / 4);
  });

  it('matches the logparser benchmark on a mixed example', () => {
    // True groups: A={0,1,2}, B={3,4}, C={5}. Predicted: {0,1,2} ok, {3} and {4} split B, {5} ok.
    const ga = groupingAccuracy(['x', 'x', 'x', 'y', 'z', 'w'], ['A', 'A', 'A', 'B', 'B', 'C']);
    expect(ga.correctLines).toBe(4);
    expect(ga.accuracy).toBeCloseTo(4 / 6);
    expect(ga.predictedGroups).toBe(4);
    expect(ga.trueGroups).toBe(3);
  });

  it('is 1 for no lines and refuses misaligned inputs', () => {
    expect(groupingAccuracy([], []).accuracy).toBe(1);
    expect(() => groupingAccuracy(['a'], [])).toThrow(/one prediction per line/);
  });
});
