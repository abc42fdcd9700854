import { sessionRow, type SessionAcc, type SessionEvent, type SessionKeyExtractor, type SessionRow } from './sessions';

/**
 * The sessions of `features` (a key's run of events with no gap longer than `gapMs`), kept as records
 * stream in. A session is closed once the watermark of its partitions (newest event time minus the
 * allowed lateness; the lowest of them when its key's records come on several) is more than the gap
 * past its last event, or when a record of its key comes more than the gap after it; its row then
 * waits in `pending` until the caller has scored and written it and calls `release`.
 *
 * Sessions are named `key@<start epoch ms>`: a re-delivered session gets the same name whatever the
 * process saw before (`features` numbers a key's sessions within a day instead; the daily `score`
 * replaces the stream's session rows of a date, as it does windows).
 *
 * Offsets: an open or pending session holds the commit of each of its partitions at its first offset
 * there, so after a crash its records come again and rebuild it whole. A key's records up to the last
 * offset of its last written session on their partition, or at or before its end in time, are not
 * counted again (`closedThrough`, in the progress snapshot with the windows'). A snapshot is saved
 * before its commit, so a crash between the two pairs it with an older commit: an entry stays in the
 * snapshots until the records of its session can no longer come again, that is until a confirmed
 * commit has passed its last offset.
 */
export interface StreamSessionEvent extends SessionEvent {
  partition: number;
  offset: number;
}

/** The offsets of a session's records on one partition. */
interface OffsetRange {
  first: number;
  last: number;
}

interface OpenSession {
  acc: SessionAcc;
  /** Its earliest event time. */
  start: number;
  /** Partition → the offsets of its records there. */
  offsets: Map<number, OffsetRange>;
}

export interface ClosedSession {
  row: SessionRow;
  key: string;
  offsets: ReadonlyMap<number, OffsetRange>;
}

/** A key's last written session, as a partition's snapshot keeps it: its end (epoch ms) and the offset of its last record there. */
export interface WrittenSession {
  end: number;
  lastOffset: number;
}

/**
 * Per key on a partition: its last written session. Snapshots written before offsets were kept hold
 * the end alone (a number).
 */
export type SessionProgress = Record<string, WrittenSession | number>;

/** A key's last written session: its end and, per partition, the offset of its last record. */
interface Written {
  end: number;
  lastOffsets: Map<number, number>;
}

export class StreamSessions {
  private readonly open = new Map<string, OpenSession>();
  private readonly closedThrough = new Map<string, Written>();
  private pendingSessions: ClosedSession[] = [];
  /** Closed by a record of their key more than the gap after their last event; handed out by the next `close`. */
  private closedByGap: ClosedSession[] = [];
  /** Events of a key at or before the end of its last written session (re-delivered): not counted. */
  skipped = 0;

  constructor(
    private readonly keyOf: SessionKeyExtractor,
    private readonly gapMs: number,
  ) {}

  add(e: StreamSessionEvent): void {
    for (const key of this.keyOf(e)) {
      let s = this.open.get(key);
      // A gap within one micro-batch ends the session as the watermark would between two: how many
      // records a batch holds must not decide where a session ends.
      if (s && e.ts - s.acc.last > this.gapMs) {
        this.open.delete(key);
        this.closedByGap.push(closedSession(key, s));
        s = undefined;
      }
      if (!s) {
        const closed = this.closedThrough.get(key);
        if (closed && (e.ts <= closed.end || e.offset <= (closed.lastOffsets.get(e.partition) ?? -1))) {
          this.skipped++;
          continue;
        }
        s = { acc: { id: '', service: e.service, last: e.ts, events: [] }, start: e.ts, offsets: new Map() };
        this.open.set(key, s);
      }
      if (e.ts > s.acc.last) s.acc.last = e.ts;
      if (e.ts < s.start) s.start = e.ts;
      const range = s.offsets.get(e.partition);
      if (!range) s.offsets.set(e.partition, { first: e.offset, last: e.offset });
      else {
        if (e.offset < range.first) range.first = e.offset;
        if (e.offset > range.last) range.last = e.offset;
      }
      s.acc.events.push({ ts: e.ts, template: e.template_id, error: e.level === 'ERROR' || e.level === 'FATAL' });
    }
  }

  /** Closes the sessions whose partitions' watermark is more than the gap past their last event. */
  close(watermarkOf: (partition: number) => number): ClosedSession[] {
    const out = this.closedByGap;
    this.closedByGap = [];
    for (const [key, s] of this.open) {
      let watermark = Infinity;
      for (const p of s.offsets.keys()) watermark = Math.min(watermark, watermarkOf(p));
      if (watermark - s.acc.last <= this.gapMs) continue;
      this.open.delete(key);
      out.push(closedSession(key, s));
    }
    out.sort((a, b) => a.row.start - b.row.start || (a.key < b.key ? -1 : 1));
    this.pendingSessions.push(...out);
    return out;
  }

  get pending(): readonly ClosedSession[] {
    return this.pendingSessions;
  }

  /** The caller wrote what these sessions gave: later records of their keys start new sessions. */
  release(sessions: ReadonlySet<ClosedSession>): void {
    for (const s of sessions) {
      const was = this.closedThrough.get(s.key);
      // A key's sessions follow one another in offsets (an open session takes every record of its key).
      if (was && was.end >= s.row.end) continue;
      const lastOffsets = new Map(was?.lastOffsets);
      for (const [p, range] of s.offsets) lastOffsets.set(p, range.last);
      this.closedThrough.set(s.key, { end: s.row.end, lastOffsets });
    }
    this.pendingSessions = this.pendingSessions.filter((s) => !sessions.has(s));
  }

  /** Partition → the lowest offset an open or pending session still needs. */
  holds(): Map<number, number> {
    const out = new Map<number, number>();
    const take = (offsets: ReadonlyMap<number, OffsetRange>) => {
      for (const [p, { first }] of offsets) if (!out.has(p) || first < out.get(p)!) out.set(p, first);
    };
    for (const s of this.open.values()) take(s.offsets);
    for (const s of this.pendingSessions) take(s.offsets);
    for (const s of this.closedByGap) take(s.offsets);
    return out;
  }

  /**
   * The written sessions on this partition that a re-delivery could still reach. Records come again
   * from the last confirmed commit (`replayFrom`, or a later one), so a session whose last offset is
   * before it cannot come again. Its end is still kept while a late record could fall inside it:
   * while it is less than `latenessMs` before the oldest session still needed (or, with none, a gap
   * before the watermark). Entries past both are dropped from the snapshot and from memory.
   */
  progress(partition: number, watermark: number, latenessMs: number, replayFrom: number): SessionProgress {
    let oldest = watermark - this.gapMs;
    for (const s of this.open.values()) if (s.offsets.has(partition)) oldest = Math.min(oldest, s.start);
    for (const s of [...this.pendingSessions, ...this.closedByGap]) if (s.offsets.has(partition)) oldest = Math.min(oldest, s.row.start);
    const out: SessionProgress = {};
    for (const [key, c] of this.closedThrough) {
      const lastOffset = c.lastOffsets.get(partition);
      if (lastOffset === undefined) continue;
      if (lastOffset < replayFrom && c.end < oldest - latenessMs) {
        c.lastOffsets.delete(partition);
        if (!c.lastOffsets.size) this.closedThrough.delete(key);
      } else out[key] = { end: c.end, lastOffset };
    }
    return out;
  }

  /**
   * Written sessions from a partition's snapshot. A key already known (from another partition's
   * snapshot, or written since) keeps the latest end and offsets of both: each is of a written session.
   */
  restore(partition: number, progress: SessionProgress): void {
    for (const [key, saved] of Object.entries(progress)) {
      const written = typeof saved === 'number' ? { end: saved, lastOffset: -1 } : saved;
      const c = this.closedThrough.get(key);
      if (!c) {
        this.closedThrough.set(key, { end: written.end, lastOffsets: new Map([[partition, written.lastOffset]]) });
        continue;
      }
      c.end = Math.max(c.end, written.end);
      c.lastOffsets.set(partition, Math.max(c.lastOffsets.get(partition) ?? -1, written.lastOffset));
    }
  }

  get openSessions(): number {
    return this.open.size;
  }
}

function closedSession(key: string, s: OpenSession): ClosedSession {
  const row = sessionRow(s.acc);
  row.session_id = `${key}@${row.start}`;
  return { row, key, offsets: s.offsets };
}
