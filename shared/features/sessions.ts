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
  private readonly open = new Map<string, SessionAcc>();
  private readonly closedPerKey = new Map<string, number>();
  private newest = -Infinity;

  constructor(
    private readonly keyOf: SessionKeyExtractor,
    private readonly gapMs = Infinity,
  ) {}

  add(e: SessionEvent): void {
    if (e.ts > this.newest) this.newest = e.ts;
    for (const key of this.keyOf(e)) {
      let s = this.open.get(key);
      if (!s) {
        const closed = this.closedPerKey.get(key);
        s = { id: closed ? `${key}#${closed + 1}` : key, service: e.service, last: e.ts, events: [] };
        this.open.set(key, s);
      }
      if (e.ts > s.last) s.last = e.ts;
      s.events.push({ ts: e.ts, template: e.template_id, error: e.level === 'ERROR' || e.level === 'FATAL' });
    }
  }

  /** Closes the sessions idle for longer than the gap; call between batches. */
  closeIdle(): SessionRow[] {
    if (this.gapMs === Infinity) return [];
    const idle: string[] = [];
    for (const [key, s] of this.open) if (this.newest - s.last > this.gapMs) idle.push(key);
    return this.close(idle);
  }

  /** Closes every session still open (the end of the partition). */
  rows(): SessionRow[] {
    return this.close([...this.open.keys()]);
  }

  private close(keys: string[]): SessionRow[] {
    const out: SessionRow[] = [];
    for (const key of keys.sort()) {
      const s = this.open.get(key)!;
      this.open.delete(key);
      if (this.gapMs !== Infinity) this.closedPerKey.set(key, (this.closedPerKey.get(key) ?? 0) + 1);
      out.push(sessionRow(s));
    }
    return out;
  }
}

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
