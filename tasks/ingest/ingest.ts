import type { LogRecord } from '../../shared/schemas';
import type { LineResult } from './records';

/** A landing file's lines, already decompressed and split. */
export interface SourceLines {
  readonly name: string;
  readonly lines: Iterable<string>;
}

export interface BronzeRow extends LogRecord {
  source_file: string;
  source_line: number;
}

export interface QuarantineRow {
  source_file: string;
  source_line: number;
  raw: string;
  reason: string;
  [key: string]: unknown;
}

export interface IngestCounts {
  files: number;
  read: number;
  written: number;
  quarantined: number;
  /** Quarantine reasons with their counts (reason text up to the first parenthesis or quote). */
  reasons: Record<string, number>;
}

export type IngestItem = { kind: 'record'; row: BronzeRow } | { kind: 'quarantine'; row: QuarantineRow };

export function emptyCounts(): IngestCounts {
  return { files: 0, read: 0, written: 0, quarantined: 0, reasons: {} };
}

const NOT_BLANK = /\S/;

/** Raw text kept in quarantine is capped so one giant broken line can't blow up the partition. */
const MAX_RAW = 8_192;

/**
 * Every line is either a record or a quarantine row: nothing is dropped, so
 * `read = written + quarantined` holds by construction (and the command checks it anyway).
 * Blank lines are not records and are not counted as read.
 */
export function* ingestLines(source: SourceLines, parseLine: (line: string) => LineResult, counts: IngestCounts): Generator<IngestItem> {
  counts.files++;
  let lineNo = 0;
  for (const line of source.lines) {
    lineNo++;
    if (!NOT_BLANK.test(line)) continue;
    counts.read++;
    const result = parseLine(line);
    if (result.ok) {
      counts.written++;
      // The record is this line's own fresh object: extend it rather than copy it (1M copies cost GC time).
      const row = result.record as BronzeRow;
      row.source_file = source.name;
      row.source_line = lineNo;
      yield { kind: 'record', row };
    } else {
      counts.quarantined++;
      const key = result.reason.split(/[("]/)[0].trim();
      counts.reasons[key] = (counts.reasons[key] ?? 0) + 1;
      yield { kind: 'quarantine', row: { source_file: source.name, source_line: lineNo, raw: line.slice(0, MAX_RAW), reason: result.reason } };
    }
  }
}

export function quarantineShare(counts: IngestCounts): number {
  return counts.read === 0 ? 0 : counts.quarantined / counts.read;
}
