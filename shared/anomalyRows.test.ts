import { describe, expect, it } from 'vitest';
import { sessionAnomaly, windowAnomaly } from './anomalyRows';

const origin = { date: '2026-01-05', model_name: 'sentinel', model_version: 3 };
const place = { entity_key: 'api@1767571200000', service: 'api', window_start: 1767571200000, window_end: 1767571260000, score: 4.2, severity: 81 };

describe('anomaly rows', () => {
  it('a window: typed from its contributions, explained by them, template contributions marked interesting', () => {
    const contributions = [
      { feature: 'error_rate', value: 0.4, expected: 0.01, z: 12 },
      { feature: 'template:T7', value: 30, expected: 0, z: 9 },
    ];
    const row = windowAnomaly(origin, place, ['robust_baseline'], contributions);
    expect(row).toMatchObject({ ...origin, ...place, entity_kind: 'window', detectors: ['robust_baseline'], anomaly_type: 'error_burst' });
    expect(row.explanation).toEqual({ detectors: ['robust_baseline'], contributions });
    expect([...row.interesting]).toEqual(['T7']);
  });

  it("a session: an unusual sequence with its findings and at most 30 events; the findings' events are interesting", () => {
    const findings = [{ detector: 'invariants', text: 'opened 2, closed 1', events: ['E1', 'E2'] }];
    const sequence = Array.from({ length: 40 }, (_, i) => `E${i % 5}`);
    const row = sessionAnomaly(origin, { ...place, entity_key: 'blk_1' }, ['invariants'], findings, sequence);
    expect(row).toMatchObject({ ...origin, entity_kind: 'session', entity_key: 'blk_1', anomaly_type: 'unusual_sequence' });
    expect(row.explanation).toEqual({ detectors: ['invariants'], findings, sequence: sequence.slice(0, 30) });
    expect([...row.interesting]).toEqual(['E1', 'E2']);
  });
});
