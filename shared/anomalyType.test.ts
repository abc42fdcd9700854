import { describe, expect, it } from 'vitest';
import { inferAnomalyType } from './anomalyType';

const c = (feature: string, z: number) => ({ feature, z, value: 0, expected: 0 });

describe('inferAnomalyType', () => {
  it('maps the strongest deviating feature to a type', () => {
    expect(inferAnomalyType([c('count', 12)], ['robust_baseline'])).toBe('volume_spike');
    expect(inferAnomalyType([c('count_roll_z', -8)], ['robust_baseline'])).toBe('traffic_drop');
    expect(inferAnomalyType([c('error_rate', 20), c('count', 3)], ['robust_baseline'])).toBe('error_burst');
    expect(inferAnomalyType([c('latency_p95', 9)], ['isolation_forest'])).toBe('latency_degradation');
    expect(inferAnomalyType([c('template:T42', 1)], ['rare_templates'])).toBe('new_template');
    expect(inferAnomalyType([c('hour_of_day', 1)], ['isolation_forest'])).toBe('other');
  });

  it('a strong error deviation wins over a rare template fired at the same time', () => {
    expect(inferAnomalyType([c('error_rate', 15)], ['rare_templates', 'robust_baseline'])).toBe('error_burst');
  });

  it('takes the direction from the value and its baseline: a count above normal is never a traffic drop', () => {
    expect(inferAnomalyType([{ feature: 'count', z: -3, value: 37, expected: 0 }], ['isolation_forest'])).toBe('volume_spike');
    expect(inferAnomalyType([{ feature: 'count', z: 2, value: 4, expected: 42.5 }], ['isolation_forest'])).toBe('traffic_drop');
  });
});
