/**
 * When to recommend retraining: drift above a threshold, too many new templates, or an anomaly
 * rate far from what the model expects. Every reason is spelled out for the log and the summary.
 */
export interface MonitorThresholds {
  /** PSI above this on any feature counts as drift. */
  psi: number;
  /** Share of the day's events whose template is not in the model's vocabulary. */
  unseenTemplateShare: number;
  /** The anomaly rate may differ from the expected rate by this factor either way. */
  anomalyRateFactor: number;
  /** Models older than this (days since the end of training) are stale. */
  maxModelAgeDays: number;
}

/** The one source of the defaults: monitor's flags and the monitoring DAG's params follow it (test/vocabulary.test.ts). */
export const DEFAULT_THRESHOLDS: MonitorThresholds = { psi: 0.25, unseenTemplateShare: 0.05, anomalyRateFactor: 5, maxModelAgeDays: 7 };

export interface MonitorFacts {
  featurePsi: Record<string, number>;
  scorePsi: number;
  unseenTemplateShare: number;
  newTemplates: number;
  anomalyRate: number;
  expectedAnomalyRate: number;
  modelAgeDays: number;
}

export function retrainDecision(f: MonitorFacts, t: MonitorThresholds = DEFAULT_THRESHOLDS): { retrain: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const drifted = Object.entries(f.featurePsi)
    .filter(([, v]) => v > t.psi)
    .sort(([, a], [, b]) => b - a);
  if (drifted.length)
    reasons.push(
      `feature drift: ${drifted
        .slice(0, 5)
        .map(([k, v]) => `${k} PSI ${v.toFixed(2)}`)
        .join(', ')} (threshold ${t.psi})`,
    );
  if (f.scorePsi > t.psi) reasons.push(`score distribution shifted: PSI ${f.scorePsi.toFixed(2)} (threshold ${t.psi})`);
  if (f.unseenTemplateShare > t.unseenTemplateShare)
    reasons.push(
      `${(f.unseenTemplateShare * 100).toFixed(1)} % of events have templates unknown to the model (${f.newTemplates} templates; threshold ${(t.unseenTemplateShare * 100).toFixed(1)} %)`,
    );
  const ratio = f.expectedAnomalyRate > 0 ? f.anomalyRate / f.expectedAnomalyRate : 0;
  if (f.expectedAnomalyRate > 0 && (ratio > t.anomalyRateFactor || (f.anomalyRate > 0 && ratio < 1 / t.anomalyRateFactor))) {
    reasons.push(`anomaly rate ${(f.anomalyRate * 100).toFixed(2)} % is far from the expected ${(f.expectedAnomalyRate * 100).toFixed(2)} %`);
  }
  if (f.modelAgeDays > t.maxModelAgeDays) reasons.push(`model is ${f.modelAgeDays} days old (max ${t.maxModelAgeDays})`);
  return { retrain: reasons.length > 0, reasons };
}
