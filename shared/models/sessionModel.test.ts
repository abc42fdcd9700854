import { describe, expect, it } from 'vitest';
import { chooseThreshold, describeThreshold, rateThreshold } from './sessionModel';

describe('session thresholds', () => {
  it('takes the (1 − rate) quantile, moving past ties so at most the rate is flagged', () => {
    const scores = Float64Array.from([...new Array(95).fill(0), 1, 1, 2, 3, 4]);
    // The plain 0.97 quantile (1.03) flags 3 %; 0.98 would land on the tie at 1 and flag 5 %.
    expect(rateThreshold(Float64Array.from(scores).sort(), 0.02)).toBe(3);
    const t = chooseThreshold(scores, 0.02, 1, 0);
    expect(t).toMatchObject({ value: 3, source: 'quantile', trainingShare: 0.02 });
  });

  it('uses the detector own test with auto, and the floor when the floor is higher, and says so', () => {
    const scores = Float64Array.from({ length: 100 }, (_, i) => i / 1000);
    expect(chooseThreshold(scores, 'auto', 0.05, 0)).toMatchObject({ value: 0.05, source: 'auto' });
    const floored = chooseThreshold(scores, 0.1, 0, 0.5);
    expect(floored).toMatchObject({ value: 0.5, source: 'floor', trainingShare: 0 });
    expect(describeThreshold('rare_events', floored, 0.1)).toMatch(/threshold 0.5 is the floor, above the 0.9 quantile 0.09: the alert rate has no effect/);
  });
});
