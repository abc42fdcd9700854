import { describe, expect, it } from 'vitest';
import { evaluateDetections, type Detection } from '../../shared/eventEvaluation';

const t = (m: number) => Date.UTC(2026, 0, 5, 10, m);
const w = (service: string, m: number, type: string | null = null): Detection => ({
  entity_kind: 'window',
  entity_key: `${service}@${m}`,
  service,
  window_start: t(m),
  window_end: t(m + 1),
  anomaly_type: type,
});
const labels = [
  { id: 'a1', type: 'volume_spike', service: 'api', start: new Date(t(10)).toISOString(), end: new Date(t(15)).toISOString() },
  { id: 'a2', type: 'error_burst', service: 'db', start: new Date(t(30)).toISOString(), end: new Date(t(35)).toISOString() },
  { id: 'a3', type: 'unusual_sequence', service: 'shop', start: new Date(t(40)).toISOString(), end: new Date(t(41)).toISOString(), session_ids: ['s9'] },
];

describe('evaluateDetections', () => {
  it('counts incidents found, detections inside incidents (with tolerance) and false alarms', () => {
    const detections = [
      w('api', 11),
      w('api', 12),
      w('api', 15),
      w('api', 50, 'volume_spike'),
      { ...w('shop', 40), entity_kind: 'session' as const, entity_key: 's9' },
    ];
    const e = evaluateDetections(detections, labels);
    expect(e.truePositives).toBe(4);
    expect(e.falsePositives).toBe(1);
    expect(e.precision).toBeCloseTo(0.8);
    expect(e.recall).toBeCloseTo(2 / 3);
    expect(e.f1).toBeCloseTo((2 * 0.8 * (2 / 3)) / (0.8 + 2 / 3));
    expect(e.missed.map((m) => m.id)).toEqual(['a2']);
    expect(e.byType.volume_spike).toMatchObject({ truePositives: 3, falsePositives: 1, recall: 1 });
    expect(e.byType.error_burst.recall).toBe(0);
    expect(e.byType.unusual_sequence).toMatchObject({ precision: 1, recall: 1 });
  });

  it('a window on another service does not match', () => {
    expect(evaluateDetections([w('db', 11)], labels).truePositives).toBe(0);
  });
});
