import { StringCounts } from './stringCounts';
import { TypedArrayPool } from './windowValues';

/**
 * Session windows: events grouped by an entity (a field such as session_id, or a regex over the
 * message such as HDFS's `blk_-?\d+`), as loglizer does for HDFS block ids.
 */
export interface SessionEvent {
  ts: number;
  service: string;
  level: string;
  message: string;
  session_id: string | null;
  template_id: string;
}

export interface SessionRow {
  session_id: string;
  service: string;
  start: number;
  end: number;
  event_count: number;
  error_count: number;
  duration_s: number;
  sequence: string[];
  /** Each event's time, in ms after `start`, parallel to `sequence`: order detectors need to know which events tie. */
  offsets_ms: number[];
  template_counts: Record<string, number>;
}

export type SessionKeyExtractor = (e: SessionEvent) => readonly string[];

/** A bare identifier names a field; anything else is a regex whose matches in the message are keys. */
export function sessionKeyExtractor(spec: string): SessionKeyExtractor {
  if (spec === 'session_id') return (e) => (e.session_id ? [e.session_id] : []);
  const re = new RegExp(spec, 'g');
  return (e) => [...new Set(e.message.match(re) ?? [])];
}

export interface SessionAcc {
  id: string;
  service: string;
  last: number;
  events: { ts: number; template: string; error: boolean }[];
}

/**
 * A session is a key's run of events with no gap longer than `gapMs` (as web analytics and Flink's
 * session windows define it). Sessions idle for longer than the gap, measured from the newest event
 * seen, are closed and handed out by `closeIdle`, so memory holds only the sessions active in the
 * last gap, not the whole day. A key seen again after its session closed starts a new session named
 * `key#2`, `key#3`, ... With `gapMs = Infinity` a key's events form one session for the partition
 * (loglizer's grouping of HDFS block ids), at the cost of memory that grows with the partition.
 */
export class SessionAggregator {
  private readonly open = new Map<string, OpenSession>();
  /** Key → how many of its sessions closed: every key of the day, so not in a Map of strings. */
  private readonly closedPerKey = new StringCounts();
  private newest = -Infinity;
  private readonly pool = new TypedArrayPool();
  /** Template id → its number in the sessions' event codes (a few hundred per day). */
  private readonly templateNumbers = new Map<string, number>();
  private readonly templateIds: string[] = [];
  /** Ended by a later event of their key more than the gap after their last: handed out by the next close. */
  private endedByGap: OpenSession[] = [];

  constructor(
    private readonly keyOf: SessionKeyExtractor,
    private readonly gapMs = Infinity,
  ) {}

  add(e: SessionEvent): void {
    if (e.ts > this.newest) this.newest = e.ts;
    for (const key of this.keyOf(e)) {
      let s = this.open.get(key);
      // A gap inside one batch ends the session as `closeIdle` would between two: how many rows a
      // batch holds must not decide where a session ends (the stream splits its sessions the same way).
      if (s && e.ts - s.last > this.gapMs) {
        this.open.delete(key);
        this.closedPerKey.increment(key);
        this.endedByGap.push(s);
        s = undefined;
      }
      if (!s) {
        const closed = this.closedPerKey.get(key);
        s = new OpenSession(closed ? `${key}#${closed + 1}` : key, e.service, e.ts, this.pool);
        this.open.set(key, s);
      }
      if (e.ts > s.last) s.last = e.ts;
      let template = this.templateNumbers.get(e.template_id);
      if (template === undefined) {
        template = this.templateIds.length;
        this.templateNumbers.set(e.template_id, template);
        this.templateIds.push(e.template_id);
      }
      s.push(e.ts, template * 2 + (e.level === 'ERROR' || e.level === 'FATAL' ? 1 : 0));
    }
  }

  /**
   * Closes the sessions idle for longer than the gap; call between batches. The rows come one at a
   * time as the caller asks for them, so each dies young: the thousands of rows a part closes, built
   * at once, were promoted at 10M logs. Consume them before the next `add`.
   */
  closeIdle(): Generator<SessionRow> {
    const idle: string[] = [];
    if (this.gapMs !== Infinity) for (const [key, s] of this.open) if (this.newest - s.last > this.gapMs) idle.push(key);
    return this.close(idle);
  }

  /** Closes every session still open (the end of the partition), a row at a time (see closeIdle). */
  closeAll(): Generator<SessionRow> {
    return this.close([...this.open.keys()]);
  }

  private *close(keys: string[]): Generator<SessionRow> {
    const ended = this.endedByGap;
    this.endedByGap = [];
    for (const s of ended) {
      const row = s.row(this.templateIds);
      s.release();
      yield row;
    }
    for (const key of keys.sort()) {
      const s = this.open.get(key)!;
      this.open.delete(key);
      if (this.gapMs !== Infinity) this.closedPerKey.increment(key);
      const row = s.row(this.templateIds);
      s.release();
      yield row;
    }
  }
}

/**
 * An open session of `SessionAggregator`: its events' times and codes (template number × 2 + 1 for
 * an error) in typed arrays from the aggregator's pool, not an object per event. Sessions live for
 * minutes of log time, so at 10M logs a day their per-event objects outlived many young-generation
 * collections and were promoted (decision 94).
 */
class OpenSession {
  private times: Float64Array;
  private codes: Int32Array;
  private count = 0;

  constructor(
    readonly id: string,
    readonly service: string,
    public last: number,
    private readonly pool: TypedArrayPool,
  ) {
    this.times = pool.float64(FIRST_EVENTS);
    this.codes = pool.int32(FIRST_EVENTS);
  }

  push(ts: number, code: number): void {
    if (this.count === this.times.length) {
      const times = this.pool.float64(this.count * 2);
      const codes = this.pool.int32(this.count * 2);
      times.set(this.times);
      codes.set(this.codes);
      this.pool.release(this.times);
      this.pool.release(this.codes);
      this.times = times;
      this.codes = codes;
    }
    this.times[this.count] = ts;
    this.codes[this.count++] = code;
  }

  /** The Gold row `sessionRow` gives for the same events. */
  row(templateIds: readonly string[]): SessionRow {
    const n = this.count;
    const times = this.times;
    // Events in time order, ties in arrival order (sessionRow's stable sort); most come in order.
    const order = Array.from({ length: n }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = times[i - 1] <= times[i];
    if (!sorted) order.sort((a, b) => times[a] - times[b] || a - b);
    const start = times[order[0]];
    const sequence = new Array<string>(n);
    const offsets = new Array<number>(n);
    const counts: Record<string, number> = {};
    let errors = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const template = templateIds[this.codes[i] >> 1];
      sequence[k] = template;
      offsets[k] = times[i] - start;
      counts[template] = (counts[template] ?? 0) + 1;
      errors += this.codes[i] & 1;
    }
    const end = times[order[n - 1]];
    return {
      session_id: this.id,
      service: this.service,
      start,
      end,
      event_count: n,
      error_count: errors,
      duration_s: (end - start) / 1000,
      sequence,
      offsets_ms: offsets,
      template_counts: counts,
    };
  }

  release(): void {
    this.pool.release(this.times);
    this.pool.release(this.codes);
  }
}

const FIRST_EVENTS = 16;

/** A closed session's Gold row. */
export function sessionRow(s: SessionAcc): SessionRow {
  // Stable sort keeps the input order of events with equal timestamps.
  const events = s.events.slice().sort((a, b) => a.ts - b.ts);
  const counts: Record<string, number> = {};
  for (const ev of events) counts[ev.template] = (counts[ev.template] ?? 0) + 1;
  return {
    session_id: s.id,
    service: s.service,
    start: events[0].ts,
    end: events[events.length - 1].ts,
    event_count: events.length,
    error_count: events.filter((ev) => ev.error).length,
    duration_s: (events[events.length - 1].ts - events[0].ts) / 1000,
    sequence: events.map((ev) => ev.template),
    offsets_ms: events.map((ev) => ev.ts - events[0].ts),
    template_counts: counts,
  };
}
