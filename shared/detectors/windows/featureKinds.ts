/**
 * How each window feature behaves, for the robust scaler: error and latency features only deviate
 * upward; counts get Poisson noise floors, volumes a log scale, rates their own floor.
 */
import type { FeatureKind, RobustBaselineParams } from '../robustBaseline';

const UPPER_ONLY = /^(error|warn|latency|status_)/;
const COUNT_LIKE = /^(error_count|warn_count|distinct_templates)$/;
const VOLUME_LIKE = /^(count|distinct_users)$/;
export const RATE_LIKE = /_rate$/;

export function scalerParams(columns: readonly string[]): RobustBaselineParams {
  const kinds: Record<string, FeatureKind> = {};
  for (const c of columns)
    kinds[c] = VOLUME_LIKE.test(c) ? 'logCount' : COUNT_LIKE.test(c) ? 'count' : RATE_LIKE.test(c) ? 'rate' : /^latency_/.test(c) ? 'log' : 'value';
  return { upperOnly: columns.filter((c) => UPPER_ONLY.test(c)), kinds };
}
