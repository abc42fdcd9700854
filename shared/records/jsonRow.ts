import type { ColumnBatchBuilder } from '../batchBuilder';
import { isSupportedTime } from '../dates';
import { LEVELS } from '../schemas';
import { ABSENT, FlatJsonScanner, NO_ESCAPES, NULL, NUMBER, numberValue, STRING, UNICODE_ESCAPES, unescapeShort } from './flatJson';
import type { LineParserOptions } from './lineParser';
import type { TimestampParser } from './timestamps';

/**
 * A JSON line's record written straight from the file's bytes into Bronze's column buffers: the
 * common case of parseJsonLine (records.ts) without a JS object or string per value. It writes a
 * line only when parseJsonLine would accept it with these same values; for anything else (an
 * alias spelled in another case, a number as text, a level alias, a bad value, another date) it
 * writes nothing and returns false, and the caller gives the line to parseJsonLine, which decides
 * and names any quarantine reason, as before.
 */

/** The aliases in parseJsonLine's order: the first present and not null is the field's value. */
const ALIASES = {
  ts: ['ts', 'timestamp', '@timestamp', 'time', 'datetime'],
  level: ['level', 'severity', 'lvl', 'loglevel'],
  service: ['service', 'app', 'application', 'component', 'logger'],
  message: ['message', 'msg', 'content', 'log'],
  host: ['host', 'hostname', 'node'],
  user_id: ['user_id', 'user', 'uid'],
  session_id: ['session_id', 'session'],
  trace_id: ['trace_id', 'traceId', 'request_id'],
  label: ['label'],
  latency_ms: ['latency_ms', 'duration_ms', 'latency', 'elapsed_ms'],
  status: ['status', 'status_code', 'http_status'],
} as const;
type Field = keyof typeof ALIASES;
const FIELDS = Object.keys(ALIASES) as Field[];
const OPTIONAL_TEXT: Field[] = ['host', 'user_id', 'session_id', 'trace_id', 'label'];

/** Level names as bytes (a level is taken here only when spelled exactly so; aliases go to parseJsonLine). */
const LEVEL_BYTES = LEVELS.map((l) => Buffer.from(l, 'latin1'));

/** The setters of Bronze's ColumnBatchBuilder the writer uses. */
export type RowColumns = Pick<ColumnBatchBuilder, 'columnIndex' | 'setBytes' | 'setValue'>;

export type JsonRowWriter = (b: Buffer, start: number, end: number) => boolean;

/**
 * Returns the writer for one ingest run. `parseTs` must be the line parser's own (its format
 * detection keeps state), and `records` Bronze's builder: the writer sets the record's columns of
 * the current row, and the caller sets source_file and source_line and ends the row.
 */
export function createJsonRowWriter(options: LineParserOptions, parseTs: TimestampParser, records: RowColumns, from: number, to: number): JsonRowWriter {
  const keys: string[] = [];
  /** Per field, the key indexes of its aliases in order. */
  const slots = {} as Record<Field, number[]>;
  for (const field of FIELDS) slots[field] = ALIASES[field].map((alias) => keys.push(alias) - 1);
  const scanner = new FlatJsonScanner(keys);
  const { kind, start: valueStart, end: valueEnd, escapes } = scanner;
  const col = Object.fromEntries(FIELDS.map((f) => [f, records.columnIndex(f)])) as Record<Field, number>;
  const defaultService = options.service;
  const defaultServiceOk = defaultService !== undefined && defaultService.length >= 1 && defaultService.length <= 200;
  let scratch = new Uint8Array(1024);

  /** The first alias present and not null (`a ?? b ?? ...`), or -1. */
  const first = (field: Field): number => {
    for (const k of slots[field]) if (kind[k] !== ABSENT && kind[k] !== NULL) return k;
    return -1;
  };
  /** A text field's value is written here only as a string without `\u` escapes; -1 = absent. */
  const textSlot = (field: Field): number | undefined => {
    const k = first(field);
    if (k < 0) return -1;
    return kind[k] === STRING && escapes[k] !== UNICODE_ESCAPES ? k : undefined;
  };
  const writeText = (column: number, b: Buffer, k: number) => {
    const s = valueStart[k];
    const e = valueEnd[k];
    if (escapes[k] === NO_ESCAPES) return records.setBytes(column, b, s, e);
    if (scratch.length < e - s) scratch = new Uint8Array(2 * (e - s));
    records.setBytes(column, scratch, 0, unescapeShort(b, s, e, scratch, 0));
  };

  return (b, start, end) => {
    if (!scanner.scan(b, start, end)) return false;
    // ts, as parseJsonLine reads it: a number (seconds or milliseconds) or text through parseTs.
    const tk = first('ts');
    if (tk < 0) return false;
    let ts: number | undefined;
    if (kind[tk] === NUMBER) {
      const v = numberValue(b, valueStart[tk], valueEnd[tk]);
      ts = v > 1e11 ? v : v * 1000;
    } else if (kind[tk] === STRING && escapes[tk] === NO_ESCAPES) ts = parseTs(b.toString('utf8', valueStart[tk], valueEnd[tk]));
    if (ts === undefined || !isSupportedTime(ts)) return false;
    if (!options.allowOtherDates && (ts < from || ts >= to)) return false;
    const lk = first('level');
    if (lk < 0 || kind[lk] !== STRING || escapes[lk] !== NO_ESCAPES || !isLevelName(b, valueStart[lk], valueEnd[lk])) return false;
    // service: 1–200 characters (a value of at most 200 bytes has at most 200 UTF-16 units).
    const sk = textSlot('service');
    if (sk === undefined || (sk < 0 && !defaultServiceOk) || (sk >= 0 && (valueEnd[sk] === valueStart[sk] || valueEnd[sk] - valueStart[sk] > 200)))
      return false;
    const mk = textSlot('message');
    if (mk === undefined || mk < 0 || valueEnd[mk] === valueStart[mk]) return false;
    const optional: number[] = [];
    for (const field of OPTIONAL_TEXT) {
      const k = textSlot(field);
      if (k === undefined) return false;
      optional.push(k);
    }
    let latency: number | null = null;
    const latencyKey = first('latency_ms');
    if (latencyKey >= 0) {
      if (kind[latencyKey] !== NUMBER) return false;
      latency = numberValue(b, valueStart[latencyKey], valueEnd[latencyKey]);
      if (!Number.isFinite(latency) || latency < 0) return false;
    }
    let status: number | null = null;
    const statusKey = first('status');
    if (statusKey >= 0) {
      if (kind[statusKey] !== NUMBER) return false;
      status = numberValue(b, valueStart[statusKey], valueEnd[statusKey]);
      if (!Number.isInteger(status) || status < 100 || status > 599) return false;
    }

    // Accepted: the same values parseJsonLine's record holds.
    records.setValue(col.ts, ts);
    if (sk >= 0) writeText(col.service, b, sk);
    else records.setValue(col.service, defaultService);
    records.setBytes(col.level, b, valueStart[lk], valueEnd[lk]);
    writeText(col.message, b, mk);
    records.setValue(col.latency_ms, latency);
    records.setValue(col.status, status);
    for (let f = 0; f < OPTIONAL_TEXT.length; f++) {
      const k = optional[f];
      if (k >= 0) writeText(col[OPTIONAL_TEXT[f]], b, k);
      else records.setValue(col[OPTIONAL_TEXT[f]], null);
    }
    return true;
  };
}

function isLevelName(b: Buffer, start: number, end: number): boolean {
  for (const name of LEVEL_BYTES) {
    if (name.length !== end - start) continue;
    let k = 0;
    while (k < name.length && name[k] === b[start + k]) k++;
    if (k === name.length) return true;
  }
  return false;
}
