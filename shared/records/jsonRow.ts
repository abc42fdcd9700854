import type { ColumnBatchBuilder } from '../batchBuilder';
import { isSupportedTime } from '../dates';
import { LEVELS } from '../schemas';
import { FIELD_ALIASES } from './aliases';
import { ABSENT, FlatJsonScanner, NO_ESCAPES, NULL, NUMBER, numberValue, STRING, UNICODE_ESCAPES, unescapeShort } from './flatJson';
import type { LineParserOptions } from './lineParser';
import { parseIsoMillisUtcBytes, readsIsoFirst, type TimestampParser } from './timestamps';

/**
 * A JSON line's record written straight from the file's bytes into Bronze's column buffers: the
 * common case of parseJsonLine (records.ts) without a JS object or string per value. It writes a
 * line only when parseJsonLine would accept it with these same values; for anything else (an
 * alias spelled in another case, a number as text, a level alias, a bad value, another date) it
 * writes nothing and returns false, and the caller gives the line to parseJsonLine, which decides
 * and names any quarantine reason, as before.
 */

type Field = keyof typeof FIELD_ALIASES;
const OPTIONAL_TEXT: Field[] = ['host', 'user_id', 'session_id', 'trace_id', 'label'];

/** Level names as bytes (a level is taken here only when spelled exactly so; aliases go to parseJsonLine). */
const LEVEL_BYTES = LEVELS.map((l) => Buffer.from(l, 'latin1'));

/** The setters of Bronze's ColumnBatchBuilder the writer uses. */
export type RowColumns = Pick<ColumnBatchBuilder, 'columnIndex' | 'setBytes' | 'setValue'>;

/** Node's native slice without toString's argument checks (they cost a tenth of this path); not in @types/node. */
type SliceableBuffer = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

export type JsonRowWriter = (b: Buffer, start: number, end: number) => boolean;

/**
 * Returns the writer for one ingest run. `parseTs` must be the line parser's own (its format
 * detection keeps state), and `records` Bronze's builder: the writer sets the record's columns of
 * the current row, and the caller sets source_file and source_line and ends the row.
 */
export function createJsonRowWriter(options: LineParserOptions, parseTs: TimestampParser, records: RowColumns, from: number, to: number): JsonRowWriter {
  const keys: string[] = [];
  /** Per field, the key indexes of its aliases in order (arrays by field, not a record: keyed loads went megamorphic). */
  const aliasKeys = (field: Field) => Int32Array.from(FIELD_ALIASES[field], (alias) => keys.push(alias) - 1);
  const tsKeys = aliasKeys('ts');
  const levelKeys = aliasKeys('level');
  const serviceKeys = aliasKeys('service');
  const messageKeys = aliasKeys('message');
  const optionalKeys = OPTIONAL_TEXT.map(aliasKeys);
  const latencyKeys = aliasKeys('latency_ms');
  const statusKeys = aliasKeys('status');
  const scanner = new FlatJsonScanner(keys);
  const { kind, start: valueStart, end: valueEnd, escapes } = scanner;
  const tsColumn = records.columnIndex('ts');
  const serviceColumn = records.columnIndex('service');
  const levelColumn = records.columnIndex('level');
  const messageColumn = records.columnIndex('message');
  const latencyColumn = records.columnIndex('latency_ms');
  const statusColumn = records.columnIndex('status');
  const optionalColumns = Int32Array.from(OPTIONAL_TEXT, (f) => records.columnIndex(f));
  /** The optional text fields' value keys on this line (-1: null). */
  const optional = new Int32Array(OPTIONAL_TEXT.length);
  const defaultService = options.service;
  const defaultServiceOk = defaultService !== undefined && defaultService.length >= 1 && defaultService.length <= 200;
  let scratch = new Uint8Array(1024);
  const isoFirst = readsIsoFirst(parseTs);

  /** The first alias present and not null (`a ?? b ?? ...`), or -1. */
  const first = (aliases: Int32Array): number => {
    for (let i = 0; i < aliases.length; i++) {
      const k = aliases[i];
      if (kind[k] !== ABSENT && kind[k] !== NULL) return k;
    }
    return -1;
  };
  /** A text field's value is written here only as a string without `\u` escapes; -1 = absent. */
  const textKey = (aliases: Int32Array): number | undefined => {
    const k = first(aliases);
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
    const tk = first(tsKeys);
    if (tk < 0) return false;
    let ts: number | undefined;
    if (kind[tk] === NUMBER) {
      const v = numberValue(b, valueStart[tk], valueEnd[tk]);
      ts = v > 1e11 ? v : v * 1000;
    } else if (kind[tk] === STRING && escapes[tk] === NO_ESCAPES) {
      // What parseTs would give, from the bytes when that is parseIso's fast path (no string, same value).
      if (isoFirst()) ts = parseIsoMillisUtcBytes(b, valueStart[tk], valueEnd[tk]);
      ts ??= parseTs((b as SliceableBuffer).utf8Slice(valueStart[tk], valueEnd[tk]));
    }
    if (ts === undefined || !isSupportedTime(ts)) return false;
    if (!options.allowOtherDates && (ts < from || ts >= to)) return false;
    const lk = first(levelKeys);
    if (lk < 0 || kind[lk] !== STRING || escapes[lk] !== NO_ESCAPES || !isLevelName(b, valueStart[lk], valueEnd[lk])) return false;
    // service: 1–200 characters (a value of at most 200 bytes has at most 200 UTF-16 units).
    const sk = textKey(serviceKeys);
    if (sk === undefined || (sk < 0 && !defaultServiceOk) || (sk >= 0 && (valueEnd[sk] === valueStart[sk] || valueEnd[sk] - valueStart[sk] > 200)))
      return false;
    const mk = textKey(messageKeys);
    if (mk === undefined || mk < 0 || valueEnd[mk] === valueStart[mk]) return false;
    for (let f = 0; f < optionalKeys.length; f++) {
      const k = textKey(optionalKeys[f]);
      if (k === undefined) return false;
      optional[f] = k;
    }
    let latency: number | null = null;
    const latencyKey = first(latencyKeys);
    if (latencyKey >= 0) {
      if (kind[latencyKey] !== NUMBER) return false;
      latency = numberValue(b, valueStart[latencyKey], valueEnd[latencyKey]);
      if (!Number.isFinite(latency) || latency < 0) return false;
    }
    let status: number | null = null;
    const statusKey = first(statusKeys);
    if (statusKey >= 0) {
      if (kind[statusKey] !== NUMBER) return false;
      status = numberValue(b, valueStart[statusKey], valueEnd[statusKey]);
      if (!Number.isInteger(status) || status < 100 || status > 599) return false;
    }

    // Accepted: the same values parseJsonLine's record holds.
    records.setValue(tsColumn, ts);
    if (sk >= 0) writeText(serviceColumn, b, sk);
    else records.setValue(serviceColumn, defaultService);
    records.setBytes(levelColumn, b, valueStart[lk], valueEnd[lk]);
    writeText(messageColumn, b, mk);
    records.setValue(latencyColumn, latency);
    records.setValue(statusColumn, status);
    for (let f = 0; f < OPTIONAL_TEXT.length; f++) {
      const k = optional[f];
      if (k >= 0) writeText(optionalColumns[f], b, k);
      else records.setValue(optionalColumns[f], null);
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
