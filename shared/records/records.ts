import { rawRecordSchema, LEVELS, type Level, type LogRecord } from '../schemas';
import type { TimestampParser } from './timestamps';
import { FIELD_ALIASES } from './aliases';
import { FIRST_DATE, isSupportedTime, LAST_DATE } from '../dates';

/**
 * One raw line → a validated record, or the reason it can't be one. JSON lines map common field
 * aliases (ts/timestamp/@timestamp/time, msg/message, severity/level, app/component/service);
 * text lines go through a loghub-style format (Date, Time, Level, Component, Content, ...).
 */
export type LineResult = { ok: true; record: LogRecord } | { ok: false; reason: string; key: string };

/** A quarantine reason and its summary key (`reasons` in ingest's summary counts by key). */
const fail = (key: string, reason: string): LineResult => ({ ok: false, reason, key });

export interface LineMatcher {
  readonly fields: readonly string[];
  match(line: string): Record<string, string> | null;
}

const LEVEL_ALIASES: Record<string, Level> = {
  WARNING: 'WARN',
  ERR: 'ERROR',
  SEVERE: 'ERROR',
  FAILURE: 'ERROR',
  CRITICAL: 'FATAL',
  CRIT: 'FATAL',
  EMERG: 'FATAL',
  ALERT: 'FATAL',
  NOTICE: 'INFO',
  INFORMATION: 'INFO',
  VERBOSE: 'DEBUG',
  V: 'DEBUG',
  D: 'DEBUG',
  I: 'INFO',
  W: 'WARN',
  E: 'ERROR',
  F: 'FATAL',
  FINE: 'DEBUG',
  FINER: 'TRACE',
  FINEST: 'TRACE',
};

/** A level name or alias; a text format without a <Level> field gives undefined, read as INFO. JSON records must have one. */
export function normalizeLevel(raw: unknown): Level | undefined {
  if (raw === undefined || raw === null || raw === '') return 'INFO';
  const up = String(raw).trim().toUpperCase();
  if ((LEVELS as readonly string[]).includes(up)) return up as Level;
  return LEVEL_ALIASES[up];
}

/**
 * The checks of rawRecordSchema on a candidate that has every field (the shape both parsers build),
 * without zod: zod copied each record and cost a tenth of ingest. Anything this does not accept goes
 * through zod, so a refused record gets zod's exact reason as before.
 */
function passesSchema(c: LogRecord): boolean {
  const { service, message, latency_ms: latency, status } = c;
  return (
    typeof c.ts === 'number' &&
    Number.isFinite(c.ts) &&
    typeof service === 'string' &&
    service.length >= 1 &&
    service.length <= 200 &&
    (LEVELS as readonly string[]).includes(c.level) &&
    typeof message === 'string' &&
    message.length >= 1 &&
    (latency === null || (typeof latency === 'number' && Number.isFinite(latency) && latency >= 0)) &&
    (status === null || (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599)) &&
    isTextOrNull(c.host) &&
    isTextOrNull(c.user_id) &&
    isTextOrNull(c.session_id) &&
    isTextOrNull(c.trace_id) &&
    isTextOrNull(c.label)
  );
}
const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';

function validate(candidate: Record<string, unknown>): LineResult {
  if (passesSchema(candidate as LogRecord)) return { ok: true, record: candidate as LogRecord };
  const parsed = rawRecordSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.');
  return fail(`field:${field}:${issue.code}`, `field "${field}": ${issue.message}`);
}

/** Epoch numbers can be anything (1e20): outside the supported dates they fit neither the lake nor the database. */
const outOfRange = (raw: unknown): LineResult =>
  fail('timestamp:range', `timestamp ${JSON.stringify(raw)} is out of range (supported: ${FIRST_DATE} to ${LAST_DATE} UTC)`);

/** JSON fields stored as text: a number or boolean is written as text, an object or array is refused. The aliases, in order (parseJsonLine reads them as written here). */
const TEXT_FIELDS = {
  service: FIELD_ALIASES.service,
  message: FIELD_ALIASES.message,
  host: FIELD_ALIASES.host,
  user_id: FIELD_ALIASES.user_id,
  session_id: FIELD_ALIASES.session_id,
  trace_id: FIELD_ALIASES.trace_id,
  label: FIELD_ALIASES.label,
};
const TEXT_FIELD_NAMES = Object.keys(TEXT_FIELDS) as (keyof typeof TEXT_FIELDS)[];

function toTimestamp(value: unknown, parseTs: TimestampParser): number | undefined {
  if (typeof value === 'number') return value > 1e11 ? value : value * 1000; // ms vs s
  if (typeof value === 'string') return parseTs(value);
  return undefined;
}

export function parseJsonLine(line: string, parseTs: TimestampParser, defaultService: string | undefined): LineResult {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    return fail('json', `not valid JSON (${(err as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('json:not_object', 'JSON line is not an object');
  const o = obj as Record<string, unknown>;
  // Aliases by named property loads (a loop over key lists cost a tenth of ingest); `?? undefined`:
  // a field present as null counts as absent, as it always has.
  const rawTs = o.ts ?? o.timestamp ?? o['@timestamp'] ?? o.time ?? o.datetime ?? undefined;
  if (rawTs === undefined) return fail('timestamp:missing', 'no timestamp field (ts, timestamp, @timestamp, time)');
  const ts = toTimestamp(rawTs, parseTs);
  if (ts === undefined) return fail('timestamp:unparseable', `unparseable timestamp ${JSON.stringify(rawTs)}; set --timestamp-format`);
  if (!isSupportedTime(ts)) return outOfRange(rawTs);
  const rawLevel = o.level ?? o.severity ?? o.lvl ?? o.loglevel ?? undefined;
  // docs/contracts.md: level is required in a JSON record (text formats without <Level> read as INFO).
  if (rawLevel === undefined || rawLevel === '') return fail('level:missing', 'no level field (level, severity, lvl, loglevel)');
  const level = typeof rawLevel === 'string' ? normalizeLevel(rawLevel) : undefined;
  if (!level) return fail('level:unknown', `unknown level ${JSON.stringify(rawLevel)}`);
  // One object shape for every record (a literal, not keys added in a loop): the column builders
  // downstream read 1M of them, and mixed shapes made ingest twice as slow.
  const service = o.service ?? o.app ?? o.application ?? o.component ?? o.logger;
  const message = o.message ?? o.msg ?? o.content ?? o.log;
  const host = o.host ?? o.hostname ?? o.node;
  const userId = o.user_id ?? o.user ?? o.uid;
  const sessionId = o.session_id ?? o.session;
  const traceId = o.trace_id ?? o.traceId ?? o.request_id;
  const label = o.label;
  // Checked in TEXT_FIELDS order, so the first structured field is the one named, as before.
  const texts = [service, message, host, userId, sessionId, traceId, label];
  for (let i = 0; i < texts.length; i++) {
    const v = texts[i];
    if (isStructured(v)) {
      const field = TEXT_FIELD_NAMES[i];
      return fail(`field:${field}:type`, `field "${field}" must be a string, got ${Array.isArray(v) ? 'array' : 'object'}`);
    }
  }
  return validate({
    ts,
    service: text(service) ?? defaultService,
    level,
    message: text(message) ?? undefined,
    host: text(host),
    latency_ms: num(o.latency_ms ?? o.duration_ms ?? o.latency ?? o.elapsed_ms),
    status: num(o.status ?? o.status_code ?? o.http_status),
    user_id: text(userId),
    session_id: text(sessionId),
    trace_id: text(traceId),
    label: text(label),
  });
}

const num = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'number' ? v : Number(v));
const isStructured = (v: unknown) => typeof v === 'object' && v !== null;
const text = (v: unknown) => (v === undefined || v === null ? null : String(v));

/** Which header fields hold what, for loghub-style formats. */
function timestampText(f: Record<string, string>): string | undefined {
  if (f.Timestamp && /^\d{9,13}(\.\d+)?$/.test(f.Timestamp)) return f.Timestamp;
  if (f.Date && f.Time) return `${f.Date} ${f.Time}`;
  return f.Time ?? f.Date ?? f.Timestamp;
}

export function parseTextLine(line: string, matcher: LineMatcher, parseTs: TimestampParser, defaultService: string | undefined): LineResult {
  const f = matcher.match(line);
  if (!f) return fail('format', `line does not match the log format (fields: ${matcher.fields.join(', ')})`);
  const tsText = timestampText(f);
  if (tsText === undefined) return fail('timestamp:missing', 'the log format has no Date/Time/Timestamp field');
  const ts = parseTs(tsText);
  if (ts === undefined) return fail('timestamp:unparseable', `unparseable timestamp "${tsText}"; set --timestamp-format`);
  if (!isSupportedTime(ts)) return outOfRange(tsText);
  const level = normalizeLevel(f.Level ?? f.Type);
  if (!level) return fail('level:unknown', `unknown level "${f.Level}"`);
  return validate({
    ts,
    service: defaultService ?? f.Component ?? f.Program ?? f.Service ?? 'unknown',
    level,
    message: f.Content,
    host: f.Node ?? f.Host ?? f.Location ?? null,
    latency_ms: null,
    status: null,
    user_id: null,
    session_id: f.Session ?? null,
    trace_id: null,
    label: f.Label ?? null,
  });
}
