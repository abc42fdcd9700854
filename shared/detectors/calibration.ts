/**
 * One scale for every detector: the empirical CDF of its scores on the training data, kept as 1001
 * quantiles. A detector fires when its raw score passes its threshold: the (1 − alertRate) training
 * quantile, but never below the detector's own absolute floor — so a clean day raises nothing even
 * though some window is always the "top 1%". Severity 0–100: 50 at the threshold, 100 at
 * `severityScale` × the threshold distance, proportional in between; below the threshold, the
 * calibrated score × 50.
 */
import { quantileSorted } from '../quantiles';

export interface Calibration {
  quantiles: number[];
  threshold: number;
  /** Raw distance above the threshold that maps to severity 100. */
  severitySpan: number;
}

export function calibrate(trainingScores: Float64Array, alertRate: number, floor: number, severitySpan?: number): Calibration {
  const sorted = Float64Array.from(trainingScores).sort();
  const quantiles = Array.from({ length: 1001 }, (_, i) => quantileSorted(sorted, i / 1000));
  const threshold = Math.max(quantileSorted(sorted, 1 - alertRate), floor);
  return { quantiles, threshold, severitySpan: severitySpan ?? Math.max(threshold, 1e-9) };
}

/** P(training score ≤ raw), interpolated between the stored quantiles. */
export function ecdf(cal: Calibration, raw: number): number {
  const q = cal.quantiles;
  if (raw < q[0]) return 0;
  if (raw >= q[q.length - 1]) return 1;
  let lo = 0;
  let hi = q.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (q[mid] <= raw) lo = mid;
    else hi = mid;
  }
  const width = q[hi] - q[lo];
  return (lo + (width > 0 ? (raw - q[lo]) / width : 1)) / (q.length - 1);
}

export function severityOf(cal: Calibration, raw: number): number {
  if (raw >= cal.threshold) return Math.round(50 + 50 * Math.min(1, (raw - cal.threshold) / cal.severitySpan));
  return Math.round(Math.min(49, 50 * ecdf(cal, raw)));
}
