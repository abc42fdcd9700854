import type { Level } from '../../shared/schemas';

/** The generator never writes TRACE: the contract's levels for application logs are DEBUG..FATAL. */
export type GeneratedLevel = Exclude<Level, 'TRACE'>;

/**
 * One raw log record as `generate` writes it (docs/contracts.md, "Raw log record").
 * Every record is created by `newRecord` with all keys in the same order, so JSON.stringify gives
 * byte-stable lines (undefined optional fields are simply left out) and V8 keeps a single shape.
 */
export interface GeneratedRecord {
  ts: string;
  service: string;
  host: string;
  level: GeneratedLevel;
  message: string;
  latency_ms: number | undefined;
  status: number | undefined;
  user_id: string | undefined;
  session_id: string | undefined;
  trace_id: string | undefined;
}

export function newRecord(ts: string, service: string, host: string, level: GeneratedLevel): GeneratedRecord {
  return {
    ts,
    service,
    host,
    level,
    message: '',
    latency_ms: undefined,
    status: undefined,
    user_id: undefined,
    session_id: undefined,
    trace_id: undefined,
  };
}

/**
 * A deliberately broken line (only when `malformedRate` > 0). The writer must write `raw` verbatim;
 * `date` says which landing partition it belongs to, since its timestamp may be missing or garbage.
 */
export interface MalformedLine {
  malformed: true;
  raw: string;
  date: string;
  /** What is wrong with it, for tests and for checking the quarantine reasons. */
  defect: MalformedDefect;
}

export type MalformedDefect = 'truncated_json' | 'missing_timestamp' | 'missing_message' | 'bad_timestamp' | 'not_json';

export type GeneratedLine = GeneratedRecord | MalformedLine;

export function isMalformed(line: GeneratedLine): line is MalformedLine {
  return (line as MalformedLine).malformed === true;
}

/** The text of the line as it goes into a landing file (without the newline). */
export function toJsonLine(line: GeneratedLine): string {
  return isMalformed(line) ? line.raw : JSON.stringify(line);
}

/** The landing partition (YYYY-MM-DD) a line belongs to. */
export function partitionDateOf(line: GeneratedLine): string {
  return isMalformed(line) ? line.date : line.ts.slice(0, 10);
}
