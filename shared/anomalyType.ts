import type { Contribution } from './detectors/types';
import type { AnomalyType } from './schemas';

const BY_FEATURE: [RegExp, (z: number) => AnomalyType][] = [
  [/^(new_templates|template:|rare_template)/, () => 'new_template'],
  [/^(error_rate|error_count|status_5xx_rate|warn_count)$/, () => 'error_burst'],
  [/^latency_/, () => 'latency_degradation'],
  [/^(count|count_roll_z|distinct_users)$/, (z) => (z < 0 ? 'traffic_drop' : 'volume_spike')],
  [/^distinct_templates$/, () => 'new_template'],
  [/^(transition|sequence)/, () => 'unusual_sequence'],
];

/**
 * Above or below normal, from the value and the baseline the explanation shows (a count above its
 * baseline is never a traffic drop, whatever sign a detector's internal score has); z only breaks ties.
 */
function direction(c: Contribution): number {
  return Number.isFinite(c.value) && Number.isFinite(c.expected) && c.value !== c.expected ? Math.sign(c.value - c.expected) : Math.sign(c.z);
}

/**
 * Names the kind of anomaly from what deviated most, so alerts can group by type and a person
 * reads "latency_degradation" instead of a feature list. The first strong contribution decides.
 */
export function inferAnomalyType(contributions: readonly Contribution[], detectors: readonly string[]): AnomalyType {
  if (detectors.includes('rare_templates') && !contributions.some((c) => /^(error|latency|count)/.test(c.feature) && Math.abs(c.z) > 6)) return 'new_template';
  for (const c of contributions) {
    for (const [re, type] of BY_FEATURE) if (re.test(c.feature)) return type(direction(c));
  }
  return 'other';
}
