import { describe, expect, it } from 'vitest';
import { sessionKeyExtractor } from './sessions';
import { StreamSessions } from './streamSessions';

const MIN = 60_000;
const event = (session: string, minute: number, offset: number, template = 't1') => ({
  ts: minute * MIN,
  service: 'api',
  level: 'INFO',
  message: '',
  session_id: session,
  template_id: template,
  partition: 0,
  offset,
});

describe('StreamSessions', () => {
  it('closes a session once the watermark is a gap past its last event, holds its first offset until released', () => {
    const s = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    s.add(event('a', 0, 10));
    s.add(event('b', 5, 11));
    s.add(event('a', 2, 12, 't2'));
    expect(s.close(() => 31 * MIN)).toEqual([]);
    const closed = s.close(() => 33 * MIN);
    expect(closed.map((c) => c.row.session_id)).toEqual([`a@0`]);
    expect(closed[0].row.sequence).toEqual(['t1', 't2']);
    expect(s.holds().get(0)).toBe(10);
    s.release(new Set(closed));
    expect(s.holds().get(0)).toBe(11);
    // A re-delivered event of the written session is not counted again; a later one starts a new session.
    s.add(event('a', 1, 12));
    expect(s.skipped).toBe(1);
    s.add(event('a', 50, 20));
    expect(s.close(() => 90 * MIN).map((c) => c.row.session_id)).toEqual(['b@300000', 'a@3000000']);
  });

  it('keeps the ends of written sessions a re-delivery can reach in the progress, and restores them', () => {
    const s = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    s.add(event('a', 0, 1));
    s.add(event('b', 3, 2));
    s.add(event('a', 4, 3));
    s.add(event('b', 20, 4));
    s.release(new Set(s.close(() => 35 * MIN)));
    // b (open) starts at minute 3: a re-delivery from its first offset can reach a's last event (minute 4).
    expect(s.progress(0, 35 * MIN, MIN)).toEqual({ a: 4 * MIN });
    const restarted = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    restarted.restore(0, { a: 4 * MIN });
    restarted.add(event('a', 4, 3));
    expect(restarted.skipped).toBe(1);
    // Once no session still needed starts near it, the end is dropped.
    s.release(new Set(s.close(() => 200 * MIN)));
    expect(s.progress(0, 200 * MIN, MIN)).toEqual({});
  });
});
