/**
 * The robust baseline as a window detector: median/MAD per feature, service and hour of week.
 *
 * It skips new_templates (rare_templates owns novelty) and the rates: their numerators
 * (error_count, ...) carry the same signal with an honest Poisson floor, while a rate of a quiet
 * window (1 error in 5 lines) swings wildly. Likewise latency_mean and latency_p99 follow single slow
 * requests; p50 and p95 show a degradation without that noise (most baseline false alarms on
 * generated data were p99/mean of quiet windows). It also skips warn_count and distinct_users:
 * warnings come in clusters (a failed login logs twice), and distinct users is a thinned copy of
 * count, so their Poisson floors are too tight (decision 26: per-type precision on four seeds).
 */
import { explainRobustBaseline, fitRobustBaseline, robustBaseline, type RobustBaselineModel } from '../robustBaseline';
import { RATE_LIKE, scalerParams } from './featureKinds';
import { rowOf, selectColumns } from './matrixColumns';
import type { WindowDetector } from './types';

const BASELINE_SKIPS = ['new_templates', 'latency_mean', 'latency_p99', 'warn_count', 'distinct_users'];

export function baselineColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => !BASELINE_SKIPS.includes(c) && !RATE_LIKE.test(c));
}

export const robustBaselineWindows: WindowDetector<RobustBaselineModel> = {
  name: 'robust_baseline',
  floor: 4,
  persistent: true,
  columns: baselineColumns,
  async fit(input, context) {
    const x = selectColumns(input.matrix, baselineColumns(input.matrix.columns));
    return fitRobustBaseline(x, scalerParams(x.columns), context.shared);
  },
  async score(model, input) {
    const x = selectColumns(input.matrix, model.columns);
    return { scores: await robustBaseline.score(model, x), explain: (row, top) => explainRobustBaseline(model, rowOf(x, row), 0, top) };
  },
  toArtifact: async (model) => robustBaseline.toArtifact(model),
  fromArtifact: async (artifact) => robustBaseline.fromArtifact(artifact),
};
