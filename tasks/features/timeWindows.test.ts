import { describe, expect, it } from 'vitest';
import { TimeWindowAggregator } from '../../shared/features/timeWindows';
import { SessionAggregator, sessionKeyExtractor } from './sessions';
import { tfidfRows } from './tfidf';

const day = Date.UTC(2026, 0, 5);
const ev = (
  min: number,
  over: Partial<{ service: string; level: string; latency_ms: number | null; status: number | null; user_id: string | null; template_id: string }> = {},
) => ({
  ts: day + min * 60_000 + 1_000,
  service: 'api',
  level: 'INFO',
  latency_ms: 10,
  status: 200,
  user_id: 'u1',
  template_id: 'T1',
  ...over,
});

describe('TimeWindowAggregator', () => {
  it('emits every window of the day per service, with counts, rates and latency percentiles', () => {
    const agg = new TimeWindowAggregator({ dayStart: day, windowSeconds: 60, rollingWindows: 3, newTemplateHorizon: 2 });
    agg.add(ev(0, { latency_ms: 10 }));
    agg.add(ev(0, { latency_ms: 20, level: 'ERROR', status: 500, user_id: 'u2' }));
    agg.add(ev(0, { latency_ms: 30, status: 404, template_id: 'T2' }));
    agg.add(ev(2, { service: 'db', latency_ms: null, status: null }));
    const rows = agg.rows(new Map([['T2', day]]));
    expect(rows).toHaveLength(2 * 1440);
    const first = rows.find((r) => r.service === 'api' && r.window_start === day)!;
    expect(first.features).toMatchObject({
      count: 3,
      error_count: 1,
      distinct_users: 2,
      distinct_templates: 2,
      latency_p50: 20,
      new_templates: 1,
      hour_of_day: 0,
      day_of_week: 1,
    });
    expect(first.features.error_rate).toBeCloseTo(1 / 3);
    expect(first.features.status_5xx_rate).toBeCloseTo(1 / 3);
    expect(first.features.latency_p99).toBeCloseTo(29.8);
    const silent = rows.find((r) => r.service === 'api' && r.window_start === day + 60_000)!;
    expect(silent.features.count).toBe(0);
    expect(Number.isNaN(silent.features.latency_p50)).toBe(true);
    const db = rows.find((r) => r.service === 'db' && r.window_start === day + 120_000)!;
    expect(db.features.count).toBe(1);
  });

  it('measures latency on successful requests: one 30 s timeout does not set the window p95', () => {
    const agg = new TimeWindowAggregator({ dayStart: day, windowSeconds: 60, rollingWindows: 3, newTemplateHorizon: 0 });
    for (let i = 0; i < 19; i++) agg.add(ev(0, { latency_ms: 50 }));
    agg.add(ev(0, { latency_ms: 30_000, level: 'ERROR', status: 504 }));
    const first = agg.rows(new Map())[0].features;
    expect(first).toMatchObject({ count: 20, error_count: 1, latency_p95: 50, latency_p99: 50 });
    expect(first.status_5xx_rate).toBeCloseTo(1 / 20);
  });

  it('keeps records outside the day in windows of their own, without filling silence around them', () => {
    const agg = new TimeWindowAggregator({ dayStart: day, windowSeconds: 60, rollingWindows: 3, newTemplateHorizon: 0 });
    agg.add(ev(-3 * 1440)); // three days before the partition date
    agg.add(ev(0));
    agg.add(ev(1440 + 5)); // the next day
    const rows = agg.rows(new Map());
    expect(rows).toHaveLength(1440 + 2);
    expect(rows.reduce((s, r) => s + r.features.count, 0)).toBe(3);
    expect(rows[0].window_start).toBe(day - 3 * 86_400_000);
    expect(rows[rows.length - 1].window_start).toBe(day + 86_400_000 + 5 * 60_000);
  });

  it('seals windows an hour behind the newest event: in-order input gives the same rows, late events are counted', () => {
    const options = { dayStart: day, windowSeconds: 60, rollingWindows: 3, newTemplateHorizon: 0 };
    const events = Array.from({ length: 300 }, (_, i) => ev(Math.floor(i / 2), { latency_ms: i % 7, user_id: `u${i % 5}` }));
    const unsealed = new TimeWindowAggregator({ ...options, allowedLatenessSeconds: 86_400 });
    const sealing = new TimeWindowAggregator({ ...options, allowedLatenessSeconds: 600 });
    for (const e of events) {
      unsealed.add(e);
      sealing.add(e);
    }
    expect(sealing.lateEvents).toBe(0);
    expect(sealing.rows(new Map())).toEqual(unsealed.rows(new Map()));

    sealing.add(ev(0, { latency_ms: 10_000, user_id: 'late', level: 'ERROR' })); // two hours late
    expect(sealing.lateEvents).toBe(1);
    const first = sealing.rows(new Map())[0].features;
    expect(first).toMatchObject({ count: 3, error_count: 1, distinct_users: 2 });
    expect(first.latency_p99).toBeLessThan(10);
  });

  it('rolling z-score flags a jump against the previous windows', () => {
    const agg = new TimeWindowAggregator({ dayStart: day, windowSeconds: 60, rollingWindows: 5, newTemplateHorizon: 0 });
    for (let m = 0; m < 10; m++) for (let i = 0; i < (m === 9 ? 100 : 10); i++) agg.add(ev(m));
    const rows = agg.rows(new Map());
    expect(rows[8].features.count_roll_z).toBeLessThan(1);
    expect(rows[9].features.count_roll_z).toBeGreaterThan(10);
  });
});

describe('sessions', () => {
  it('groups by field or by regex over the message, in time order', () => {
    const byField = new SessionAggregator(sessionKeyExtractor('session_id'));
    const base = { service: 'shop', level: 'INFO', message: '' };
    byField.add({ ...base, ts: 2, session_id: 's1', template_id: 'B' });
    byField.add({ ...base, ts: 1, session_id: 's1', template_id: 'A' });
    byField.add({ ...base, ts: 3, session_id: null, template_id: 'C' });
    expect([...byField.closeAll()]).toEqual([
      expect.objectContaining({ session_id: 's1', sequence: ['A', 'B'], event_count: 2, template_counts: { A: 1, B: 1 } }),
    ]);
    const byRegex = new SessionAggregator(sessionKeyExtractor('blk_-?\\d+'));
    byRegex.add({ ...base, ts: 1, session_id: null, template_id: 'X', message: 'Receiving blk_-12 and blk_7' });
    expect([...byRegex.closeAll()].map((r) => r.session_id)).toEqual(['blk_-12', 'blk_7']);
  });

  it('closes sessions idle longer than the gap; a key that comes back starts key#2', () => {
    const agg = new SessionAggregator(sessionKeyExtractor('session_id'), 30 * 60_000);
    const base = { service: 'shop', level: 'INFO', message: '' };
    agg.add({ ...base, ts: 0, session_id: 'a', template_id: 'A' });
    agg.add({ ...base, ts: 60_000, session_id: 'b', template_id: 'B' });
    expect([...agg.closeIdle()]).toEqual([]);
    agg.add({ ...base, ts: 31 * 60_000, session_id: 'b', template_id: 'B' });
    expect([...agg.closeIdle()].map((r) => r.session_id)).toEqual(['a']);
    agg.add({ ...base, ts: 40 * 60_000, session_id: 'a', template_id: 'C' });
    const rest = [...agg.closeAll()];
    expect(rest.map((r) => [r.session_id, r.sequence])).toEqual([
      ['a#2', ['C']],
      ['b', ['B', 'B']],
    ]);
  });
});

describe('tfidfRows', () => {
  it('weighs templates that appear in fewer windows higher', () => {
    const rows = [
      ...tfidfRows([
        {
          window_start: 0,
          service: 'a',
          templates: new Map([
            ['common', 1],
            ['rare', 1],
          ]),
        },
        { window_start: 1, service: 'a', templates: new Map([['common', 2]]) },
        { window_start: 2, service: 'a', templates: new Map() },
      ]),
    ];
    const rare = rows.find((r) => r.template_id === 'rare')!;
    const common = rows.find((r) => r.template_id === 'common' && r.window_start === 0)!;
    expect(rows).toHaveLength(3);
    expect(rare.tfidf).toBeGreaterThan(common.tfidf);
  });
});
