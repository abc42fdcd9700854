import type { LineResult } from '../../shared/records/records';
import type { TemplateMiner } from '../../shared/parsing/templateMiner';
import { normalizeMessage } from '../../shared/parsing/normalizeMessage';
import { recordFirstSeen } from '../../shared/templateStore';
import type { StreamWindows } from '../../shared/features/streamWindows';
import type { StreamSessionEvent, StreamSessions } from '../../shared/features/streamSessions';
import { dateOf } from '../../shared/dates';
import { refuseFuture, type FutureLimit } from './futureGuard';

/**
 * The per-record half of `stream`, without I/O: each consumed record is parsed exactly as `ingest`
 * parses a landing line, mined against the template store (a template created here was never seen:
 * the new-template anomaly fires at once), and counted into its service's window. Every record,
 * good or bad, is also a landing line, so the daily `ingest` sees exactly what the stream saw. A
 * record more than `--max-future` ahead of the consumer's clock is a bad record (futureGuard.ts).
 */
export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: number;
  /** The record's value as produced (a JSON object or a text line). */
  value: string;
  /** The producer's timestamp, epoch ms (end-to-end latency is measured from it). */
  producedAt: number;
}

export interface LandingLine {
  date: string;
  partition: number;
  offset: number;
  line: string;
}

export interface QuarantinedRecord {
  record: IncomingRecord;
  /** The line as landed (newlines folded). */
  line: string;
  reason: string;
  key: string;
}

export interface NewTemplate {
  service: string;
  templateId: string;
  template: string;
  message: string;
  ts: number;
  partition: number;
  offset: number;
  producedAt: number;
}

export interface BatchOutcome {
  landing: LandingLine[];
  quarantined: QuarantinedRecord[];
  newTemplates: NewTemplate[];
  parsed: number;
  late: number;
  /** Per input record, in order: its event time (NaN for a bad record). */
  eventTimes: Float64Array;
}

/** The UTC date of an epoch ms, memoized by day (one toISOString per day instead of per record). */
function dayOf(): (ms: number) => string {
  let day = Number.NaN;
  let date = '';
  return (ms) => {
    const d = Math.floor(ms / 86_400_000);
    if (d !== day) {
      day = d;
      date = dateOf(ms);
    }
    return date;
  };
}

/** A record's value is one landing line: a value with line breaks (a stack trace sent as one record) is folded onto one line. */
const LINE_BREAKS = /\r?\n|\r/g;

export class StreamProcessor {
  private readonly dateOf = dayOf();
  /** Partition → event time of its latest good record. */
  private readonly eventTimeOf = new Map<number, number>();

  constructor(
    private readonly parseLine: (line: string) => LineResult,
    private miner: TemplateMiner,
    private readonly firstSeen: Map<string, number>,
    private readonly windows: StreamWindows,
    private readonly sessions: StreamSessions,
    private readonly maxFuture: FutureLimit,
    /**
     * New templates found by a batch that was then dropped unwritten (a rebalance): the miner keeps
     * them, so their re-delivered records would no longer be new. Their next record here reports them.
     */
    private readonly unwrittenNewTemplates: Set<string> = new Set(),
  ) {}

  /** The template store the miner matches against; `firstSeen` grows with the templates this process creates. */
  get templatesFirstSeen(): ReadonlyMap<string, number> {
    return this.firstSeen;
  }

  /** `nowMs`: the consumer's clock, for the `--max-future` guard. */
  process(batch: readonly IncomingRecord[], nowMs: number): BatchOutcome {
    const out: BatchOutcome = {
      landing: [],
      quarantined: [],
      newTemplates: [],
      parsed: 0,
      late: 0,
      eventTimes: new Float64Array(batch.length).fill(Number.NaN),
    };
    const sessionEvents: StreamSessionEvent[] = [];
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i];
      const line = r.value.includes('\n') || r.value.includes('\r') ? r.value.replace(LINE_BREAKS, ' ') : r.value;
      const parsed = /\S/.test(line) ? this.parseLine(line) : ({ ok: false, reason: 'empty record', key: 'empty' } as const);
      // Refused before anything counts it: a time from the future would move its partition's watermark.
      const result = (parsed.ok ? refuseFuture(parsed.record.ts, nowMs, this.maxFuture) : undefined) ?? parsed;
      if (!result.ok) {
        out.quarantined.push({ record: r, line, reason: result.reason, key: result.key });
        // Landed under the event date its partition is at (the producer's clock before any good record),
        // so a replayed day keeps its bad lines, and the daily ingest quarantines them there with its own
        // reason (a record from the future there as outside the date, unless it falls on that date).
        out.landing.push({ date: this.dateOf(this.eventTimeOf.get(r.partition) ?? r.producedAt), partition: r.partition, offset: r.offset, line });
        continue;
      }
      const rec = result.record;
      out.parsed++;
      out.eventTimes[i] = rec.ts;
      this.eventTimeOf.set(r.partition, rec.ts);
      out.landing.push({ date: this.dateOf(rec.ts), partition: r.partition, offset: r.offset, line });
      const mined = this.miner.add(normalizeMessage(rec.message));
      const known = this.firstSeen.has(mined.templateId);
      recordFirstSeen(this.firstSeen, mined.templateId, rec.ts);
      // Once per template: the first of a batch's records of it (a dropped batch's, once more).
      if ((mined.changeType === 'created' && !known) || this.unwrittenNewTemplates.delete(mined.templateId)) {
        out.newTemplates.push({
          service: rec.service,
          templateId: mined.templateId,
          template: mined.template,
          message: rec.message,
          ts: rec.ts,
          partition: r.partition,
          offset: r.offset,
          producedAt: r.producedAt,
        });
      }
      const counted = this.windows.add({
        ts: rec.ts,
        service: rec.service,
        level: rec.level,
        latency_ms: rec.latency_ms ?? null,
        status: rec.status ?? null,
        user_id: rec.user_id ?? null,
        template_id: mined.templateId,
        partition: r.partition,
        offset: r.offset,
      });
      if (!counted) out.late++;
      sessionEvents.push({
        ts: rec.ts,
        service: rec.service,
        level: rec.level,
        message: rec.message,
        session_id: rec.session_id ?? null,
        template_id: mined.templateId,
        partition: r.partition,
        offset: r.offset,
      });
    }
    // In event-time order: a fetch brings one partition's records, then another's, and a key logged on
    // several (a session through several services) would otherwise be split at a false gap.
    sessionEvents.sort((a, b) => a.ts - b.ts);
    for (const e of sessionEvents) this.sessions.add(e);
    return out;
  }
}
