import { describe, expect, it } from 'vitest';
import { retrainDecision } from './decision';

describe('retrainDecision', () => {
  const calm = {
    featurePsi: { count: 0.02 },
    scorePsi: 0.01,
    unseenTemplateShare: 0,
    newTemplates: 0,
    anomalyRate: 0.01,
    expectedAnomalyRate: 0.01,
    modelAgeDays: 1,
  };
  it('keeps a healthy model', () => {
    expect(retrainDecision(calm)).toEqual({ retrain: false, reasons: [] });
  });
  it('names every reason to retrain', () => {
    const d = retrainDecision({ ...calm, featurePsi: { count: 0.9, error_rate: 0.3 }, unseenTemplateShare: 0.2, newTemplates: 7, anomalyRate: 0.2 });
    expect(d.retrain).toBe(true);
    expect(d.reasons.join('\n')).toMatch(/count PSI 0.90.*error_rate PSI 0.30/);
    expect(d.reasons.join('\n')).toMatch(/20.0 % of events have templates unknown/);
    expect(d.reasons.join('\n')).toMatch(/anomaly rate 20.00 %/);
  });
});
