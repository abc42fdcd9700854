import { rawRecordSchema, LEVELS, type Level, type LogRecord } from '../../shared/schemas';
import type { TimestampParser } from './timestamps';
import { FIRST_DATE, isSupportedTime, LAST_DATE } from '../../shared/dates';

/**
 * One raw line → a validated record, or the reason it can't be one. JSON lines map common field
 * aliases (ts/timestamp/@timestamp/time, msg/message, severity/level, app/component/service);
 * text lines go through a loghub-style format (Date, Time, Level, Component, Content, ...).
 */
export type LineResult = { ok: true; record: LogRecord } | { ok: false; reason: string };

export interface LineMatcher {
  readonly fields: readonly string[];
  match(line: string): Record<string, string> | null;
}

const LEVEL_ALIASES: Record<string, Level> = {
  WARNING: 'WARN', ERR: 'ERROR', SEVERE: 'ERROR', FAILURE: 'ERROR', CRITICAL: 'FATAL', CRIT: 'FATAL',
  EMERG: 'FATAL', ALERT: 'FATAL', NOTICE: 'INFO', INFORMATION: 'INFO', VERBOSE: 'DEBUG', V: 'DEBUG', D: 'DEBUG',
  I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL', FINE: 'DEBUG', FINER: 'TRACE', FINEST: 'TRACE',
};

export function normalizeLevel(raw: unknown): Level | undefined {
  if (raw === undefined || raw === null || raw === '') return 'INFO';
  const up = String(raw).trim().toUpperCase();
  if ((LEVELS as readonly string[]).includes(up)) return up as Level;
  return LEVEL_ALIASES[up];
}

const pick = (o: Record<string, unknown>, keys: readonly string[]) => {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

function validate(candidate: Record<string, unknown>): LineResult {
  const parsed = rawRecordSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `field "${issue.path.join('.')}": ${issue.message}` };
}

/** Epoch numbers can be anything (1e20): outside the supported dates they fit neither the lake nor the database. */
const outOfRange = (raw: unknown): LineResult => ({ ok: false, reason: `timestamp ${JSON.stringify(raw)} is out of range (supported: ${FIRST_DATE} to ${LAST_DATE} UTC)` });

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
    return { ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { ok: false, reason: 'JSON line is not an object' };
  const o = obj as Record<string, unknown>;
  const rawTs = pick(o, ['ts', 'timestamp', '@timestamp', 'time', 'datetime']);
  if (rawTs === undefined) return { ok: false, reason: 'no timestamp field (ts, timestamp, @timestamp, time)' };
  const ts = toTimestamp(rawTs, parseTs);
  if (ts === undefined) return { ok: false, reason: `unparseable timestamp ${JSON.stringify(rawTs)}; set --timestamp-format` };
  if (!isSupportedTime(ts)) return outOfRange(rawTs);
  const level = normalizeLevel(pick(o, ['level', 'severity', 'lvl', 'loglevel']));
  if (!level) return { ok: false, reason: `unknown level ${JSON.stringify(pick(o, ['level', 'severity']))}` };
  const num = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'number' ? v : Number(v));
  const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
  return validate({
    ts,
    service: pick(o, ['service', 'app', 'application', 'component', 'logger']) ?? defaultService,
    level,
    message: pick(o, ['message', 'msg', 'content', 'log']),
    host: str(pick(o, ['host', 'hostname', 'node'])),
    latency_ms: num(pick(o, ['latency_ms', 'duration_ms', 'latency', 'elapsed_ms'])),
    status: num(pick(o, ['status', 'status_code', 'http_status'])),
    user_id: str(pick(o, ['user_id', 'user', 'uid'])),
    session_id: str(pick(o, ['session_id', 'session'])),
    trace_id: str(pick(o, ['trace_id', 'traceId', 'request_id'])),
    label: str(pick(o, ['label'])),
  });
}

/** Which header fields hold what, for loghub-style formats. */
function timestampText(f: Record<string, string>): string | undefined {
  if (f.Timestamp && /^\d{9,13}(\.\d+)?$/.test(f.Timestamp)) return f.Timestamp;
  if (f.Date && f.Time) return `${f.Date} ${f.Time}`;
  return f.Time ?? f.Date ?? f.Timestamp;
}

export function parseTextLine(line: string, matcher: LineMatcher, parseTs: TimestampParser, defaultService: string | undefined): LineResult {
  const f = matcher.match(line);
  if (!f) return { ok: false, reason: `line does not match the log format (fields: ${matcher.fields.join(', ')})` };
  const tsText = timestampText(f);
  if (tsText === undefined) return { ok: false, reason: 'the log format has no Date/Time/Timestamp field' };
  const ts = parseTs(tsText);
  if (ts === undefined) return { ok: false, reason: `unparseable timestamp "${tsText}"; set --timestamp-format` };
  if (!isSupportedTime(ts)) return outOfRange(tsText);
  const level = normalizeLevel(f.Level ?? f.Type);
  if (!level) return { ok: false, reason: `unknown level "${f.Level}"` };
  return validate({
    ts,
    service: defaultService ?? f.Component ?? f.Program ?? f.Service ?? 'unknown',
    level,
    message: f.Content,
    host: f.Node ?? f.Host ?? f.Location ?? null,
    session_id: f.Session ?? null,
    label: f.Label ?? null,
  });
}
