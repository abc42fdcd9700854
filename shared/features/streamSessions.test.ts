import { describe, expect, it } from 'vitest';
import { sessionKeyExtractor } from './sessions';
import { StreamSessions } from './streamSessions';

const MIN = 60_000;
const event = (session: string, minute: number, offset: number, template = 't1') => ({
  ts: Math.round(minute * MIN),
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

  it('keeps the written sessions a re-delivery can reach in the progress, and restores them', () => {
    const s = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    s.add(event('a', 0, 1));
    s.add(event('b', 3, 2));
    s.add(event('a', 4, 3));
    s.add(event('b', 20, 4));
    s.release(new Set(s.close(() => 35 * MIN)));
    // b (open) starts at minute 3: a re-delivery from its first offset can reach a's last event (minute 4).
    expect(s.progress(0, 35 * MIN, MIN, 2)).toEqual({ a: { end: 4 * MIN, lastOffset: 3 } });
    const restarted = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    restarted.restore(0, { a: { end: 4 * MIN, lastOffset: 3 } });
    restarted.add(event('a', 4, 3));
    expect(restarted.skipped).toBe(1);
    // A snapshot written before offsets were kept holds the end alone.
    const older = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    older.restore(0, { a: 4 * MIN });
    older.add(event('a', 4, 3));
    expect(older.skipped).toBe(1);
    // Once no session still needed starts near it and a confirmed commit has passed it, it is dropped.
    s.release(new Set(s.close(() => 200 * MIN)));
    expect(s.progress(0, 200 * MIN, MIN, 3)).toEqual({ a: { end: 4 * MIN, lastOffset: 3 }, b: { end: 20 * MIN, lastOffset: 4 } });
    expect(s.progress(0, 200 * MIN, MIN, 5)).toEqual({});
  });

  it('a snapshot saved before a commit that never happened, restored with the commit before it, writes no session again under another start', () => {
    // k's session (offsets 0, 2) overlaps the start of a's long one (offsets 1..5), which holds the
    // commit at 1. The second batch closes a and writes the snapshot; the process dies before its commit.
    const k = 'k';
    const records = [event(k, 0, 0), event('a', 5, 1), event(k, 10, 2), event('a', 30, 3), event('a', 60, 4), event('a', 90, 5), event('x', 130, 6)];
    const first = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    for (const r of records.slice(0, 5)) first.add(r);
    const k0 = first.close(() => 59.5 * MIN);
    expect(k0.map((c) => c.row.session_id)).toEqual(['k@0']);
    first.release(new Set(k0));
    expect(first.holds().get(0)).toBe(1); // the commit confirmed after the first batch
    for (const r of records.slice(5)) first.add(r);
    first.release(new Set(first.close(() => 129.5 * MIN)));
    const snapshot = first.progress(0, 129.5 * MIN, 30_000, 1);

    const restarted = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    restarted.restore(0, snapshot);
    for (const r of records.slice(1)) restarted.add(r);
    // a and k were written before the crash: their records are not counted again; x is rebuilt.
    expect(restarted.close(() => 200 * MIN).map((c) => c.row.session_id)).toEqual(['x@7800000']);
  });

  it.each([1, 2])(
    'micro-batches of any size and crashes between any snapshot and its commit, %i partition(s): every session is written once, whole, as the gap defines it',
    (partitions) => {
      for (let seed = 1; seed <= 30; seed++) {
        const rng = mulberry32(seed);
        const records = randomDay(rng, partitions);
        const expected = sessionsByGap(records, 30 * MIN);
        expect(runWithCrash(records, rng, new Set(), partitions), `seed ${seed}, no crash`).toEqual(expected);
        const crashes = new Set(Array.from({ length: 3 }, () => Math.floor((rng() * records.length) / 20)));
        expect(runWithCrash(records, rng, crashes, partitions), `seed ${seed}, crashes after batches ${[...crashes]}`).toEqual(expected);
      }
    },
  );
});

/** A small deterministic generator (tests only). */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sessions of 12 keys over 10 hours, in time order: some short, some hours long. With two
 * partitions, each record goes to either (a key's records come on both), numbered per partition.
 */
function randomDay(rng: () => number, partitions: number) {
  const events: { key: string; minute: number }[] = [];
  for (let k = 0; k < 12; k++) {
    let minute = rng() * 120;
    while (minute < 600) {
      const long = rng() < 0.3;
      const end = minute + (long ? 60 + rng() * 240 : rng() * 40);
      for (; minute < end; minute += 1 + rng() * (long ? 25 : 10)) events.push({ key: `s${k}`, minute });
      minute += 31 + rng() * 90;
    }
  }
  events.sort((a, b) => a.minute - b.minute);
  const offsets = new Array<number>(partitions).fill(0);
  return events.map((e, i) => {
    const partition = Math.floor(rng() * partitions);
    return { ...event(e.key, e.minute, offsets[partition]++, `t${i % 3}`), partition };
  });
}

/** The sessions of time-ordered records by definition: a key's run with no gap longer than `gapMs`. */
function sessionsByGap(records: ReturnType<typeof event>[], gapMs: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const open = new Map<string, { id: string; last: number }>();
  for (const r of records) {
    let s = open.get(r.session_id);
    if (!s || r.ts - s.last > gapMs) {
      s = { id: `${r.session_id}@${r.ts}`, last: r.ts };
      open.set(r.session_id, s);
      out.set(s.id, []);
    }
    s.last = r.ts;
    out.get(s.id)!.push(r.template_id);
  }
  return out;
}

/**
 * The stream's protocol for sessions (tasks/stream/command.ts): batches of random size in time
 * order; after each, the closed sessions are written, then each partition's snapshot, then the
 * commits (per partition, the first offset still held). A crash after batch N's snapshots loses
 * its commits: the restart restores those snapshots and re-reads each partition from its last
 * confirmed commit. Returns the rows written, by name (an upsert: a second write of a name must be
 * the same sequence).
 */
function runWithCrash(records: ReturnType<typeof event>[], rng: () => number, crashAfter: Set<number>, partitions: number): Map<string, string[]> {
  const written = new Map<string, string[]>();
  const LATENESS = 30_000;
  let sessions = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
  let newest = new Map<number, number>();
  const confirmed = new Array<number>(partitions).fill(0);
  let snapshots = new Map<number, ReturnType<StreamSessions['progress']>>();
  let next = 0;
  for (let batch = 0; next < records.length; batch++) {
    const batchRecords: ReturnType<typeof event>[] = [];
    for (const size = 1 + Math.floor(rng() * 40); next < records.length && batchRecords.length < size; next++) {
      const r = records[next];
      if (r.offset >= confirmed[r.partition]) batchRecords.push(r);
    }
    for (const r of batchRecords) {
      sessions.add(r);
      newest.set(r.partition, Math.max(newest.get(r.partition) ?? -Infinity, r.ts));
    }
    const watermarkOf = (p: number) => (next === records.length ? Infinity : (newest.get(p) ?? -Infinity) - LATENESS);
    const closed = sessions.close(watermarkOf);
    for (const c of closed) {
      const before = written.get(c.row.session_id);
      if (before) expect(c.row.sequence, `${c.row.session_id} written twice, differently`).toEqual(before);
      written.set(c.row.session_id, c.row.sequence);
    }
    sessions.release(new Set(closed));
    const commits = new Map<number, number>();
    for (const r of batchRecords) commits.set(r.partition, Math.max(commits.get(r.partition) ?? 0, r.offset + 1));
    for (const [p, hold] of sessions.holds()) commits.set(p, Math.min(commits.get(p) ?? hold, hold));
    for (const p of commits.keys()) snapshots.set(p, sessions.progress(p, watermarkOf(p), LATENESS, confirmed[p]));
    if (crashAfter.has(batch)) {
      crashAfter.delete(batch);
      sessions = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
      for (const [p, snapshot] of snapshots) sessions.restore(p, snapshot);
      snapshots = new Map();
      newest = new Map();
      next = records.findIndex((r) => r.offset >= confirmed[r.partition]);
      continue;
    }
    for (const [p, o] of commits) confirmed[p] = Math.max(confirmed[p], o);
  }
  return written;
}
