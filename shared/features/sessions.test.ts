import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { SessionAggregator, sessionKeyExtractor, sessionRow, type SessionAcc, type SessionEvent } from './sessions';

describe('SessionAggregator', () => {
  it('gives the rows sessionRow gives for the same events: out of order, ties, errors, long sessions, reopened keys', () => {
    const random = createRandom(11);
    const gapMs = 60_000;
    const agg = new SessionAggregator(sessionKeyExtractor('session_id'), gapMs);
    // The reference: sessionRow over per-event objects, closed by the same rule.
    const open = new Map<string, SessionAcc>();
    const closed = new Map<string, number>();
    let newest = -Infinity;
    const expected: ReturnType<typeof sessionRow>[] = [];
    const closeIdle = (all: boolean) => {
      const keys = [...open.keys()].filter((k) => all || newest - open.get(k)!.last > gapMs).sort();
      for (const k of keys) {
        expected.push(sessionRow(open.get(k)!));
        open.delete(k);
        closed.set(k, (closed.get(k) ?? 0) + 1);
      }
    };
    const actual: ReturnType<typeof sessionRow>[] = [];
    let ts = 1_000_000;
    for (let part = 0; part < 5; part++) {
      for (let i = 0; i < 3_000; i++) {
        // Mostly in time order, sometimes back by up to 2 s, often the same millisecond.
        ts += random.int(4) === 0 ? -random.int(2_000) : random.int(3) * 7;
        const key = `k${random.int(part === 2 ? 3 : 40)}`;
        const e: SessionEvent = {
          ts,
          service: `svc${random.int(2)}`,
          level: ['INFO', 'ERROR', 'FATAL', 'WARN'][random.int(4)],
          message: '',
          session_id: random.int(50) === 0 ? null : key,
          template_id: `T${random.int(30)}`,
        };
        agg.add(e);
        if (e.ts > newest) newest = e.ts;
        if (e.session_id === null) continue;
        let s = open.get(key);
        if (!s) {
          const n = closed.get(key);
          s = { id: n ? `${key}#${n + 1}` : key, service: e.service, last: e.ts, events: [] };
          open.set(key, s);
        }
        if (e.ts > s.last) s.last = e.ts;
        s.events.push({ ts: e.ts, template: e.template_id, error: e.level === 'ERROR' || e.level === 'FATAL' });
      }
      actual.push(...agg.closeIdle());
      closeIdle(false);
      ts += part === 1 ? 5 * gapMs : 0;
    }
    actual.push(...agg.closeAll());
    closeIdle(true);
    expect(expected.some((r) => r.session_id.includes('#'))).toBe(true);
    expect(expected.some((r) => r.event_count > 500)).toBe(true);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });

  it('ends a session where the gap is, however many events come between two closes', () => {
    const random = createRandom(5);
    const events: SessionEvent[] = [];
    let ts = 0;
    for (let i = 0; i < 4_000; i++) {
      ts += random.int(4) === 0 ? random.int(100_000) : random.int(5_000);
      events.push({ ts, service: 'svc', level: 'INFO', message: '', session_id: `k${random.int(20)}`, template_id: `T${random.int(5)}` });
    }
    const rowsClosingEvery = (batch: () => number) => {
      const agg = new SessionAggregator(sessionKeyExtractor('session_id'), 60_000);
      const rows: ReturnType<typeof sessionRow>[] = [];
      for (let i = 0; i < events.length; ) {
        for (const end = Math.min(events.length, i + batch()); i < end; i++) agg.add(events[i]);
        rows.push(...agg.closeIdle());
      }
      rows.push(...agg.closeAll());
      return rows.sort((a, b) => (a.session_id < b.session_id ? -1 : 1));
    };
    const eachEvent = rowsClosingEvery(() => 1);
    expect(eachEvent.length).toBeGreaterThan(100);
    expect(rowsClosingEvery(() => 1 + random.int(2_000))).toEqual(eachEvent);
    expect(rowsClosingEvery(() => events.length)).toEqual(eachEvent);
  });
});
