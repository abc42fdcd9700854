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
  template_counts: Record<string, number>;
}

export type SessionKeyExtractor = (e: SessionEvent) => readonly string[];

/** A bare identifier names a field; anything else is a regex whose matches in the message are keys. */
export function sessionKeyExtractor(spec: string): SessionKeyExtractor {
  if (spec === 'session_id') return (e) => (e.session_id ? [e.session_id] : []);
  const re = new RegExp(spec, 'g');
  return (e) => [...new Set(e.message.match(re) ?? [])];
}

interface SessionAcc {
  service: string;
  events: { ts: number; template: string; error: boolean }[];
}

export class SessionAggregator {
  private readonly sessions = new Map<string, SessionAcc>();
  constructor(private readonly keyOf: SessionKeyExtractor) {}

  add(e: SessionEvent): void {
    for (const key of this.keyOf(e)) {
      let s = this.sessions.get(key);
      if (!s) this.sessions.set(key, (s = { service: e.service, events: [] }));
      s.events.push({ ts: e.ts, template: e.template_id, error: e.level === 'ERROR' || e.level === 'FATAL' });
    }
  }

  rows(): SessionRow[] {
    const out: SessionRow[] = [];
    for (const key of [...this.sessions.keys()].sort()) {
      const s = this.sessions.get(key)!;
      // Stable sort keeps the input order of events with equal timestamps.
      const events = s.events.slice().sort((a, b) => a.ts - b.ts);
      const counts: Record<string, number> = {};
      for (const ev of events) counts[ev.template] = (counts[ev.template] ?? 0) + 1;
      out.push({
        session_id: key,
        service: s.service,
        start: events[0].ts,
        end: events[events.length - 1].ts,
        event_count: events.length,
        error_count: events.filter((ev) => ev.error).length,
        duration_s: (events[events.length - 1].ts - events[0].ts) / 1000,
        sequence: events.map((ev) => ev.template),
        template_counts: counts,
      });
    }
    return out;
  }
}
