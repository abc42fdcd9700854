import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../../shared/db/anomalies';
import type { AlertRow } from '../../../shared/db/alerts';
import { DEFAULT_THRESHOLDS } from '../../monitor/decision';
import { MONITOR_THRESHOLD_LINES } from './load';
import { chartResolution, round4, roundScore, seriesOf } from './series';
import { incidentsOf, shapeExplorer, swimlaneBucket, type ExplorerAnomaly, type ExplorerInput } from './shape';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;

function anomaly(over: Partial<AnomalyRow>): AnomalyRow {
  return {
    date: '2026-01-05',
    entity_kind: 'window',
    entity_key: `api|${over.window_start ?? T0}`,
    service: 'api',
    window_start: T0,
    window_end: (over.window_start ?? T0) + MIN,
    score: 0.9991234,
    severity: 70,
    detectors: ['robust_baseline'],
    anomaly_type: 'volume_spike',
    explanation: {
      contributions: [{ feature: 'count', value: 400, expected: 40.123456, z: 9.87654 }],
      sample_lines: [{ ts: new Date(T0).toISOString(), level: 'INFO', template_id: 'T1', message: 'GET /cart 200' }],
    },
    model_name: 'sentinel',
    model_version: 1,
    ...over,
  };
}

function alert(over: Partial<AlertRow>): AlertRow {
  return {
    id: 7,
    dedup_key: 'api|volume_spike',
    service: 'api',
    anomaly_type: 'volume_spike',
    first_seen: new Date(T0).toISOString(),
    last_seen: new Date(T0 + 3 * MIN).toISOString(),
    severity: 90,
    anomaly_count: 3,
    summary: '',
    details: {},
    status: 'open',
    opened_at: new Date(T0).toISOString(),
    acknowledged_at: null,
    resolved_at: null,
    resolved_reason: null,
    ...over,
  };
}

const input = (over: Partial<ExplorerInput>): ExplorerInput => ({
  from: '2026-01-05',
  to: '2026-01-05',
  windowMs: MIN,
  windows: [],
  anomalies: [],
  alerts: [],
  incidentGapMs: 5 * MIN,
  metrics: [],
  metricThresholds: MONITOR_THRESHOLD_LINES,
  ...over,
});

describe('explorer data', () => {
  it('charts each service in time order with its expected band, never below zero', () => {
    const w = (service: string, t: number, count: number) => ({
      service,
      t,
      values: { count, error_count: 1, latency_p95: 12.345678, distinct_templates: 3 },
      score: 0.5,
    });
    const series = seriesOf([w('web', T0 + MIN, 20), w('api', T0, 10), w('web', T0, 30)], (_s, _t, feature, count) =>
      feature === 'count' ? { low: count - 50, high: count + 5 } : feature === 'error_count' ? { low: null, high: 4 } : undefined,
    );
    expect(Object.keys(series)).toEqual(['api', 'web']);
    expect(series.web.t).toEqual([T0, T0 + MIN]);
    expect(series.web.values.count).toEqual([30, 20]);
    expect(series.web.values.latency_p95).toEqual([12.35, 12.35]);
    // A band below zero starts at zero; an upward-only feature's band starts at zero too.
    expect(series.web.low.count).toEqual([0, 0]);
    expect(series.web.high.count).toEqual([35, 25]);
    expect(series.web.low.error_count).toEqual([0, 0]);
    // No band for a feature the baseline does not model.
    expect(series.web.high.latency_p95).toBeUndefined();
  });

  it('charts long ranges at a coarser step: values and bands averaged, the score the highest', () => {
    expect(chartResolution(86_400_000, MIN)).toBe(MIN);
    expect(chartResolution(3 * 86_400_000, MIN)).toBe(5 * MIN);
    expect(chartResolution(31 * 86_400_000, MIN)).toBe(60 * MIN);
    const windows = [0, 1, 2, 3, 4, 5].map((m) => ({
      service: 'api',
      t: T0 + m * MIN,
      values: { count: m, error_count: 0, latency_p95: 10, distinct_templates: 2 },
      score: m / 10,
    }));
    const s = seriesOf(windows, () => ({ low: 1, high: 9 }), { start: T0, resolutionMs: 5 * MIN }).api;
    expect(s.t).toEqual([T0, T0 + 5 * MIN]);
    expect(s.values.count).toEqual([2, 5]);
    expect(s.score).toEqual([0.4, 0.5]);
    expect(s.high.count).toEqual([9, 9]);
  });

  it('groups anomalies into incidents as the alert step does, links their alert, and tags each anomaly', () => {
    const rows = [
      anomaly({ window_start: T0, severity: 65 }),
      anomaly({ window_start: T0 + MIN, severity: 95, detectors: ['isolation_forest', 'robust_baseline'] }),
      // 30 minutes later: a new incident with no alert.
      anomaly({ window_start: T0 + 30 * MIN, severity: 61 }),
      anomaly({ window_start: T0 + MIN, service: 'db', anomaly_type: 'error_burst', explanation: {} }),
    ];
    const data = shapeExplorer(input({ anomalies: rows, alerts: [alert({})] }));
    expect(data.incidents).toHaveLength(3);
    const first = data.incidents.find((i) => i.service === 'api' && i.start === T0)!;
    expect(first).toMatchObject({
      anomalies: 2,
      severity: 95,
      level: 'critical',
      detectors: ['isolation_forest', 'robust_baseline'],
      deviating: ['count'],
      alert: { id: 7, status: 'open' },
    });
    expect(first.samples[0].message).toBe('GET /cart 200');
    expect(data.incidents.find((i) => i.start === T0 + 30 * MIN)?.alert).toBeNull();
    for (const a of data.anomalies) expect(data.incidents[a.incident]).toMatchObject({ service: a.service, type: a.type });
    expect(data.anomalies.map((a) => a.id)).toEqual([0, 1, 2, 3]);
    const withoutExplanation = data.anomalies.find((a) => a.service === 'db')!;
    expect(withoutExplanation).toMatchObject({ reason: '', samples: [], contributions: [] });
  });

  it('names an incident’s deviating templates with a log line of each when a sample has one', () => {
    const row = anomaly({
      anomaly_type: 'new_template',
      explanation: {
        contributions: [
          { feature: 'template:T1', value: 5, expected: 0, z: 9 },
          { feature: 'template:T9', value: 2, expected: 0, z: 5 },
        ],
        sample_lines: [{ ts: new Date(T0).toISOString(), level: 'WARN', template_id: 'T1', message: 'Certificate CN=edge expires in 5 hours' }],
      },
    });
    const [incident] = shapeExplorer(input({ anomalies: [row] })).incidents;
    expect(incident.templates).toEqual([
      { template: 'T1', example: 'Certificate CN=edge expires in 5 hours' },
      { template: 'T9', example: null },
    ]);
  });

  it('keeps a session anomaly’s findings and their templates for the page', () => {
    const row = anomaly({
      entity_kind: 'session',
      entity_key: 'blk_1',
      anomaly_type: 'unusual_sequence',
      explanation: { findings: [{ text: 'E5 never follows E2 in training', templates: ['Receiving block <*>', null], events: ['E5'] }] },
    });
    const [a] = shapeExplorer(input({ anomalies: [row] })).anomalies;
    expect(a).toMatchObject({ kind: 'session', key: 'blk_1', type: 'unusual_sequence', reason: 'E5 never follows E2 in training' });
    expect(a.findings).toEqual([{ text: 'E5 never follows E2 in training', templates: ['Receiving block <*>'] }]);
  });

  it('tags each anomaly with the index of its incident', () => {
    const a = {
      id: 0,
      service: 'api',
      type: 'x',
      start: T0,
      end: T0 + MIN,
      severity: 70,
      detectors: [],
      kind: 'window',
      key: 'k',
      samples: [],
      contributions: [],
      findings: [],
    };
    const anomalies = [a as unknown as ExplorerAnomaly];
    const incidents = incidentsOf(anomalies, [], MIN);
    expect(incidents).toHaveLength(1);
    expect(anomalies[0].incident).toBe(0);
  });

  it('sizes swimlane buckets so a day or a month stays readable', () => {
    expect(swimlaneBucket(86_400_000, MIN)).toBe(15 * MIN);
    expect(swimlaneBucket(7 * 86_400_000, MIN)).toBe(180 * MIN);
    expect(swimlaneBucket(31 * 86_400_000, MIN)).toBe(1440 * MIN);
    expect(swimlaneBucket(3_600_000, 10 * MIN)).toBe(15 * MIN);
  });

  it('shows the monitor step’s thresholds with the monitoring metrics', () => {
    expect(MONITOR_THRESHOLD_LINES).toEqual({ max_feature_psi: DEFAULT_THRESHOLDS.psi, unseen_template_share: DEFAULT_THRESHOLDS.unseenTemplateShare });
    const data = shapeExplorer(
      input({
        metrics: [
          { date: '2026-01-06', metric: 'max_feature_psi', value: 0.123456 },
          { date: '2026-01-06', metric: 'anomaly_rate', value: 0.004 },
        ],
      }),
    );
    expect(data.monitoring).toEqual([
      { metric: 'anomaly_rate', threshold: null, points: [['2026-01-06', 0.004]] },
      { metric: 'max_feature_psi', threshold: 0.25, points: [['2026-01-06', 0.1235]] },
    ]);
  });

  it('rounds values to four significant digits and scores to six decimals, and turns non-finite values into gaps', () => {
    expect([round4(1234.5678), round4(0.000123456), round4(Number.NaN), round4(undefined), round4(Infinity)]).toEqual([1235, 0.0001235, null, null, null]);
    expect([roundScore(0.99996123), roundScore(0.9991)]).toEqual([0.999961, 0.9991]);
  });
});
