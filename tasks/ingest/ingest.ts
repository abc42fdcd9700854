import type { LogRecord } from '../../shared/schemas';
import type { LineResult } from '../../shared/records/records';
import type { JsonRowWriter } from '../../shared/records/jsonRow';
import type { ColumnBatchBuilder } from '../../shared/batchBuilder';
import type { WritableBatch } from '../../shared/parquet';
import { decodeChecked } from '../../shared/sourceFiles';
import { isUtf8 } from 'node:buffer';

/** A landing file's lines, already decompressed and split. */
export interface SourceLines {
  readonly name: string;
  readonly lines: Iterable<string>;
  /** Lines of the file before these (a file read in pieces): line numbers go on from there, and the file was counted with its first piece. */
  readonly linesBefore?: number;
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
  const before = source.linesBefore ?? 0;
  if (before === 0) counts.files++;
  let index = 0;
  for (const line of source.lines) {
    counts.read++;
    const item = lineItem(source.name, line, before + index + 1, parseLine, counts, source.invalidUtf8?.get(index));
    index++;
    if (item) yield item;
  }
}

/** One line's item (undefined for a blank line), counted; `badByte`: where the line is not well-formed UTF-8. */
function lineItem(
  name: string,
  line: string,
  lineNo: number,
  parseLine: (line: string) => LineResult,
  counts: IngestCounts,
  badByte?: number,
): IngestItem | undefined {
  if (!NOT_BLANK.test(line)) {
    counts.blank++;
    return undefined;
  }
  const result: LineResult = badByte === undefined ? parseLine(line) : { ok: false, reason: `invalid UTF-8 at byte ${badByte}`, key: 'utf8' };
  if (result.ok) {
    counts.written++;
    // The record is this line's own fresh object: extend it rather than copy it (1M copies cost GC time).
    const row = result.record as BronzeRow;
    row.source_file = name;
    row.source_line = lineNo;
    return { kind: 'record', row };
  }
  counts.quarantined++;
  const key = result.key;
  counts.reasons[key] = (counts.reasons[key] ?? 0) + 1;
  return { kind: 'quarantine', row: { source_file: name, source_line: lineNo, raw: line.slice(0, MAX_RAW), reason: result.reason } };
}

/** A landing file's decompressed bytes, well-formed UTF-8 (`isUtf8`): others go through ingestLines. */
export interface SourceBytes {
  readonly name: string;
  readonly bytes: Buffer;
  /** As in SourceLines: the lines of the file before these bytes (whole lines, see readLinePieces). */
  readonly linesBefore?: number;
}

export type BufferItem = { kind: 'part'; batch: WritableBatch } | { kind: 'quarantine'; row: QuarantineRow } | { kind: 'pause' };

/**
 * Lines between two `pause` items: the caller lets the event loop run there, so the next file's
 * read (fs reads of 512 KB or a socket's chunks, each a callback) and its gunzip go on while this
 * file is parsed. Without it they waited for the end of the file, and the main thread then waited
 * for them. About 2 ms of parsing; a pause costs about 1 µs.
 */
export const PAUSE_LINES = 1_024;
const PAUSE: BufferItem = { kind: 'pause' };

/**
 * ingestLines over a file's bytes, with the same rows, quarantine rows and counts: lines are found
 * by their LF (a CR before it is not part of the line, as `split(/\r?\n/)` gives them), a JSON
 * line the byte path accepts is written into `records` from its bytes, and every other line
 * becomes a string for `parseLine`. Yields each full part of `records`, each quarantine row, and a
 * `pause` every PAUSE_LINES lines.
 */
export function* ingestBuffer(
  source: SourceBytes,
  writeJson: JsonRowWriter,
  parseLine: (line: string) => LineResult,
  records: ColumnBatchBuilder<BronzeRow>,
  counts: IngestCounts,
): Generator<BufferItem> {
  if (!source.linesBefore) counts.files++;
  const b = source.bytes;
  const fileColumn = records.columnIndex('source_file');
  const lineColumn = records.columnIndex('source_line');
  const nameBytes = Buffer.from(source.name, 'utf8');
  let lineNo = source.linesBefore ?? 0;
  for (let start = 0; start < b.length; ) {
    let next = b.indexOf(0x0a, start);
    if (next < 0) next = b.length;
    const end = next > start && next < b.length && b[next - 1] === 0x0d ? next - 1 : next;
    lineNo++;
    counts.read++;
    if ((lineNo & (PAUSE_LINES - 1)) === 0) yield PAUSE;
    let first = start;
    while (first < end && isAsciiSpace(b[first])) first++;
    if (first === end) counts.blank++;
    else if (b[first] === 0x7b /* { */ && writeJson(b, start, end)) {
      counts.written++;
      records.setBytes(fileColumn, nameBytes, 0, nameBytes.length);
      records.setValue(lineColumn, lineNo);
      const full = records.endRow();
      if (full) yield { kind: 'part', batch: full };
    } else {
      const line = b.toString('utf8', start, end); // (rare: lines the byte path leaves to JSON.parse)
      const item = lineItem(source.name, line, lineNo, parseLine, counts);
      if (item?.kind === 'quarantine') yield item;
      else if (item) {
        const full = records.push(item.row);
        if (full) yield { kind: 'part', batch: full };
      }
    }
    start = next + 1;
  }
}

/**
 * A file's whole lines as bytes (the file, or a piece of it, see readLinePieces): ingestBuffer when
 * they are well-formed UTF-8 (almost always), else ingestLines on the decoded lines, which
 * quarantines each line that is not (`utf8`). The same items as ingestBuffer.
 */
export function* ingestBytes(
  source: SourceBytes,
  writeJson: JsonRowWriter,
  parseLine: (line: string) => LineResult,
  records: ColumnBatchBuilder<BronzeRow>,
  counts: IngestCounts,
): Generator<BufferItem> {
  if (isUtf8(source.bytes)) {
    yield* ingestBuffer(source, writeJson, parseLine, records, counts);
    return;
  }
  for (const item of ingestLines({ name: source.name, linesBefore: source.linesBefore, ...decodeChecked(source.bytes) }, parseLine, counts)) {
    if (item.kind === 'quarantine') yield item;
    else {
      const full = records.push(item.row);
      if (full) yield { kind: 'part', batch: full };
    }
  }
}

/** What `\s` matches in ASCII: tab, LF, VT, FF, CR and space (other blank lines go through NOT_BLANK). */
const isAsciiSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** The share of non-blank lines quarantined. */
export function quarantineShare(counts: IngestCounts): number {
  const records = counts.written + counts.quarantined;
  return records === 0 ? 0 : counts.quarantined / records;
}
