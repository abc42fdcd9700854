import { describe, expect, it } from 'vitest';
import { StreamWindows, type StreamEvent } from './streamWindows';

const MIN = 60_000;
const T0 = Date.parse('2026-03-03T10:00:00Z');
const event = (service: string, ts: number, partition: number, offset: number): StreamEvent => ({
  ts,
  service,
  level: 'INFO',
  latency_ms: null,
  status: null,
  user_id: null,
  template_id: 't1',
  partition,
  offset,
});

describe('StreamWindows', () => {
  it("seals a service's windows by its own partition's watermark, empty windows included", () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 30_000 });
    w.add(event('a', T0 + 1000, 0, 0));
    w.add(event('b', T0 + 1000, 1, 0));
    // Partition 0 moves 3 minutes ahead; partition 1 stays at 10:00.
    w.add(event('a', T0 + 3 * MIN + 31_000, 0, 1));
    const sealed = w.seal(new Map());
    expect(sealed.map((s) => [s.row.service, (s.row.window_start - T0) / MIN, s.row.features.count])).toEqual([
      ['a', 0, 1],
      ['a', 1, 0],
      ['a', 2, 0],
    ]);
    // b's record at 10:00 is not late although partition 0 is past 10:03.
    expect(w.add(event('b', T0 + 2000, 1, 1))).toBe(true);
    expect(w.lateEvents).toBe(0);
  });

  it('holds the commit at the first offset of a window until it is released, and resumes from its progress after a restart', () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 0 });
    for (let i = 0; i < 5; i++) w.add(event('a', T0 + i * 10_000, 0, 10 + i));
    w.add(event('a', T0 + MIN + 1000, 0, 15));
    const sealed = w.seal(new Map());
    expect(sealed).toHaveLength(1);
    expect(w.holds().get(0)).toBe(10); // sealed, not yet released
    w.release(new Set(sealed));
    expect(w.holds().get(0)).toBe(15); // the open window at 10:01
    const progress = w.progress(0);
    expect(progress.a).toEqual({ nextToSeal: (T0 + MIN) / MIN, history: [5] });

    // A new process re-delivered from offset 12: the decided window's records are not counted again.
    const again = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 0 });
    again.restore(0, progress);
    for (let i = 2; i < 5; i++) expect(again.add(event('a', T0 + i * 10_000, 0, 10 + i))).toBe(false);
    again.add(event('a', T0 + MIN + 1000, 0, 15));
    again.add(event('a', T0 + 2 * MIN + 1000, 0, 16));
    const [next] = again.seal(new Map());
    expect(next.row.window_start).toBe(T0 + MIN);
    expect(next.row.features.count).toBe(1);
    expect(next.row.features.count_roll_mean).toBe(5); // the restored history
  });

  it("starts a new service at its partition's watermark: a stale first record (1970) is late and seals no window before the watermark", () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 30_000 });
    w.add(event('a', T0 + 1000, 0, 0));
    w.add(event('a', T0 + 3 * MIN + 31_000, 0, 1)); // partition 0's watermark: 10:03:01
    w.release(new Set(w.seal(new Map())));
    // A new service whose first record says 1970 (`"ts": 1`): a late event, as any record behind the watermark.
    expect(w.add(event('stale', 1000, 0, 2))).toBe(false);
    expect(w.lateEvents).toBe(1);
    expect(w.add(event('stale', T0 + 3 * MIN + 40_000, 0, 3))).toBe(true);
    w.add(event('a', T0 + 5 * MIN + 31_000, 0, 4));
    const sealed = w.seal(new Map());
    expect(sealed.filter((s) => s.row.service === 'stale').map((s) => [(s.row.window_start - T0) / MIN, s.row.features.count])).toEqual([
      [3, 1],
      [4, 0],
    ]);
    w.release(new Set(sealed));
    expect(w.holds().get(0)).toBe(4); // the open window at 10:05: nothing holds the commit at the 1970 record
  });

  it("lets a partition's first record start it, and restored progress start a service behind the watermark", () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 30_000 });
    // No watermark and no snapshot on partition 1: its first record starts it, however old.
    expect(w.add(event('old', T0 - 10 * 24 * 60 * MIN, 1, 0))).toBe(true);
    // After a restart, a service's records from its snapshot's first undecided window on are re-delivered and count again.
    w.restore(0, { b: { nextToSeal: T0 / MIN, history: [] } });
    w.add(event('a', T0 + 5 * MIN, 0, 10));
    expect(w.add(event('b', T0 + 1000, 0, 11))).toBe(true);
    expect(w.lateEvents).toBe(0);
  });

  it("after a restart, a new service's stale record is late against its partition's snapshot even as the partition's first record", () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 30_000 });
    w.restore(0, { a: { nextToSeal: (T0 + 3 * MIN) / MIN, history: [] } });
    expect(w.add(event('stale', 1000, 0, 0))).toBe(false);
    expect(w.add(event('stale', T0 + 3 * MIN + 1000, 0, 1))).toBe(true);
    w.add(event('a', T0 + 4 * MIN + 31_000, 0, 2));
    expect(w.seal(new Map()).map((s) => [s.row.service, (s.row.window_start - T0) / MIN])).toEqual([
      ['a', 3],
      ['stale', 3],
    ]);
  });

  it('after a restart, seals the empty windows of a service that sends nothing, and keeps it in the next snapshot', () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 0 });
    w.add(event('a', T0 + 1000, 0, 0));
    w.add(event('b', T0 + 2000, 0, 1)); // b's last record: it goes silent (an outage)
    w.add(event('a', T0 + MIN + 1000, 0, 2));
    w.release(new Set(w.seal(new Map())));
    const progress = w.progress(0);
    expect(Object.keys(progress).sort()).toEqual(['a', 'b']);

    // Restarted: b's records are before the committed offset and never come again; a's do.
    const again = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 0 });
    again.restore(0, progress);
    again.add(event('a', T0 + MIN + 1000, 0, 2));
    again.add(event('a', T0 + 4 * MIN + 1000, 0, 3));
    const silent = again.seal(new Map()).filter((x) => x.row.service === 'b');
    expect(silent.map((x) => [(x.row.window_start - T0) / MIN, x.row.features.count])).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    expect(silent[0].row.features.count_roll_mean).toBe(1); // its restored history
    again.release(new Set(again.pending));
    expect(again.progress(0).b).toEqual({ nextToSeal: (T0 + 4 * MIN) / MIN, history: [1, 0, 0, 0] });
  });

  it('stops sealing the empty windows of a service silent for a day, and starts it over when it logs again', () => {
    const w = new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 0 });
    const DAY = 1440;
    w.add(event('quiet', T0 + 1000, 0, 0));
    // Another service on the partition, three days later: every window in between has ended.
    w.add(event('busy', T0 + 3 * DAY * MIN + 1000, 0, 1));
    const quiet = w.seal(new Map()).filter((x) => x.row.service === 'quiet');
    expect(quiet).toHaveLength(1 + DAY); // its window with the record, then a day of silence
    expect(quiet.at(-1)!.row.window_start).toBe(T0 + DAY * MIN);
    expect(w.skippedSilentWindows).toBe(3 * DAY - 1 - DAY);

    // It logs again: its first window back has no rolling history of empty windows behind it.
    w.add(event('quiet', T0 + 3 * DAY * MIN + 2000, 0, 2));
    w.add(event('busy', T0 + (3 * DAY + 1) * MIN + 1000, 0, 3));
    const back = w.seal(new Map()).filter((x) => x.row.service === 'quiet');
    expect(back.map((x) => [(x.row.window_start - T0) / MIN, x.row.features.count])).toEqual([[3 * DAY, 1]]);
    expect(back[0].row.features.count_roll_z).toBe(0);
  });
});
