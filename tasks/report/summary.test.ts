import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../shared/db/anomalies';
import { formatText, summarize } from './summary';

const T0 = Date.UTC(2026, 0, 5, 12);
const MIN = 60_000;
const row = (minute: number, over: Partial<AnomalyRow> = {}): AnomalyRow => ({
  date: '2026-01-05',
  entity_kind: 'window',
  entity_key: `api|${minute}`,
  service: 'api',
  window_start: T0 + minute * MIN,
  window_end: T0 + (minute + 1) * MIN,
  score: 0.999,
  severity: 90,
  detectors: ['robust_baseline'],
  anomaly_type: 'traffic_drop',
  explanation: { summary: `drop at ${minute}` },
  model_name: 'sentinel',
  model_version: 1,
  ...over,
});

describe('report summary', () => {
  it('lists incidents, not the minutes of one incident', () => {
    // Twelve minutes of one outage, then a smaller error burst elsewhere.
    const rows = [
      ...Array.from({ length: 12 }, (_, m) => row(m, { severity: m === 5 ? 100 : 95 })),
      row(3, { service: 'db', entity_key: 'db|3', anomaly_type: 'error_burst', severity: 70, detectors: ['isolation_forest'] }),
    ];
    const s = summarize('2026-01-05', '2026-01-05', rows, undefined, { incidentGapMs: 5 * MIN });
    expect(s.anomalies).toBe(13);
    expect(s.bySeverity).toEqual({ low: 0, medium: 1, high: 0, critical: 12 });
    expect(s.topIncidents).toEqual([
      {
        service: 'api',
        type: 'traffic_drop',
        start: '2026-01-05T12:00:00.000Z',
        end: '2026-01-05T12:12:00.000Z',
        anomalies: 12,
        severity: 100,
        detectors: ['robust_baseline'],
        reason: 'drop at 0',
      },
      {
        service: 'db',
        type: 'error_burst',
        start: '2026-01-05T12:03:00.000Z',
        end: '2026-01-05T12:04:00.000Z',
        anomalies: 1,
        severity: 70,
        detectors: ['isolation_forest'],
        reason: 'drop at 3',
      },
    ]);
    const text = formatText(s);
    expect(text).toContain('top incidents:');
    expect(text).toMatch(/2026-01-05 12:00–12:12 +api +sev 100 +traffic_drop +12 anomalies +drop at 0/);
  });
});
