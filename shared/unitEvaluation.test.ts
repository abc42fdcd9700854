import { describe, expect, it } from 'vitest';
import { evaluateByUnit } from './unitEvaluation';
import type { AnomalyLabel } from './schemas';

const minute = 60_000;
const t0 = Date.parse('2026-01-05T10:00:00Z');
const window = (service: string, m: number) => ({
  entity_kind: 'window' as const,
  entity_key: '',
  service,
  window_start: t0 + m * minute,
  window_end: t0 + (m + 1) * minute,
  anomaly_type: null,
});
const label = (service: string, from: number, to: number): AnomalyLabel => ({
  id: `${service}-${from}`,
  type: 'error_burst',
  service,
  start: new Date(t0 + from * minute).toISOString(),
  end: new Date(t0 + to * minute).toISOString(),
  description: '',
});

describe('evaluateByUnit', () => {
  it('counts precision and recall per incident and per window, each in one unit', () => {
    // Labeled: api 10:00–10:04 (4 windows) and db 10:30–10:32 (2 windows, missed).
    const labels = [label('api', 0, 4), label('db', 30, 32)];
    // Detected: api minutes 1 and 2 (one incident), and a lone false alarm on api at minute 20.
    const e = evaluateByUnit([window('api', 1), window('api', 2), window('api', 20)], labels);
    expect(e.perIncident).toMatchObject({ truePositives: 1, falsePositives: 1, found: 1, incidents: 2, precision: 0.5, recall: 0.5 });
    expect(e.perWindow).toMatchObject({ truePositives: 2, falsePositives: 1, found: 2, incidents: 6 });
    expect(e.perWindow.recall).toBeCloseTo(2 / 6);
  });

  it('counts each labeled session as a unit and each flagged session as its own incident', () => {
    const labels: AnomalyLabel[] = [{ id: 's', type: 'unusual_sequence', service: 'shop', start: '', end: '', description: '', session_ids: ['a', 'b'] }];
    const session = (key: string) => ({
      entity_kind: 'session' as const,
      entity_key: key,
      service: 'shop',
      window_start: 0,
      window_end: 0,
      anomaly_type: null,
    });
    const e = evaluateByUnit([session('a'), session('c')], labels);
    expect(e.perIncident).toMatchObject({ precision: 0.5, recall: 1 });
    expect(e.perWindow).toMatchObject({ precision: 0.5, recall: 0.5 });
  });
});
