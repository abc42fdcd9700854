import { describe, expect, it } from 'vitest';
import { baselineColumns } from './robustBaselineWindows';
import { forestColumns, requireDeviation } from './forestWindows';
import { SIGNAL_FEATURES } from '../../schemas';

describe('window detector inputs', () => {
  it('keeps the baseline off noisy rates, tails, warnings and distinct users, and the forest off status rates', () => {
    expect(baselineColumns(SIGNAL_FEATURES)).toEqual(['count', 'error_count', 'latency_p50', 'latency_p95', 'distinct_templates', 'count_roll_z']);
    expect(forestColumns(SIGNAL_FEATURES)).not.toContain('status_5xx_rate');
    expect(forestColumns(SIGNAL_FEATURES)).toContain('error_rate');
  });

  it('zeroes forest scores of rows with no feature past the deviation, ignoring missing values', () => {
    const z = {
      columns: ['a', 'b'],
      rows: 3,
      data: Float64Array.from([2.9, -2.5, NaN, -3.2, NaN, 1]),
      service: ['s', 's', 's'],
      windowStart: new Float64Array(3),
    };
    expect(Array.from(requireDeviation(Float64Array.from([0.7, 0.8, 0.9]), z, 3))).toEqual([0, 0.8, 0]);
  });
});
