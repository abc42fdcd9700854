import type { LogRecord } from '../../shared/schemas';
import type { LineResult } from '../../shared/records/records';

/** A landing file's lines, already decompressed and split. */
export interface SourceLines {
  readonly name: string;
  readonly lines: Iterable<string>;
  /** Line index (0-based) → byte offset of invalid UTF-8 in that line (see shared/sourceFiles.ts). */
  readonly invalidUtf8?: ReadonlyMap<number, number>;
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
  /** Physical lines read: `read = written + quarantined + blank`. */
  read: number;
  written: number;
  quarantined: number;
  /** Lines with nothing but whitespace: not records, but counted so the sum is the lines read. */
  blank: number;
  /** Quarantine reasons with their counts, by precise key (`field:user_id:type`, `level:missing`, `utf8`, ...). */
  reasons: Record<string, number>;
}

export type IngestItem = { kind: 'record'; row: BronzeRow } | { kind: 'quarantine'; row: QuarantineRow };

export function emptyCounts(): IngestCounts {
  return { files: 0, read: 0, written: 0, quarantined: 0, blank: 0, reasons: {} };
}

const NOT_BLANK = /\S/;

/** Raw text kept in quarantine is capped so one giant broken line can't blow up the partition. */
const MAX_RAW = 8_192;

/**
 * Every line is a record, a quarantine row or blank: nothing is dropped, so
 * `read = written + quarantined + blank` holds by construction (and the command checks it anyway).
 */
export function* ingestLines(source: SourceLines, parseLine: (line: string) => LineResult, counts: IngestCounts): Generator<IngestItem> {
  counts.files++;
  let lineNo = 0;
  for (const line of source.lines) {
    lineNo++;
    counts.read++;
    if (!NOT_BLANK.test(line)) {
      counts.blank++;
      continue;
    }
    const badByte = source.invalidUtf8?.get(lineNo - 1);
    const result: LineResult = badByte === undefined ? parseLine(line) : { ok: false, reason: `invalid UTF-8 at byte ${badByte}`, key: 'utf8' };
    if (result.ok) {
      counts.written++;
      // The record is this line's own fresh object: extend it rather than copy it (1M copies cost GC time).
      const row = result.record as BronzeRow;
      row.source_file = source.name;
      row.source_line = lineNo;
      yield { kind: 'record', row };
    } else {
      counts.quarantined++;
      const key = result.key;
      counts.reasons[key] = (counts.reasons[key] ?? 0) + 1;
      yield { kind: 'quarantine', row: { source_file: source.name, source_line: lineNo, raw: line.slice(0, MAX_RAW), reason: result.reason } };
    }
  }
}

/** The share of non-blank lines quarantined. */
export function quarantineShare(counts: IngestCounts): number {
  const records = counts.written + counts.quarantined;
  return records === 0 ? 0 : counts.quarantined / records;
}
