import { BatchBuilder } from './batchBuilder';
import type { TableSpec, WritableBatch } from './parquet';

/**
 * Test data for the Parquet reader and writer tests: a table with every column type the lake
 * writes, and rows with nulls, NaN, empty strings, non-ASCII and a byte order mark (which
 * TextDecoder drops). A part of 140K rows spans two row groups.
 */
export const everyColumnType = (path: string): TableSpec => ({
  path,
  columns: [
    { name: 'ts', type: 'timestamp_ms' },
    { name: 'name', type: 'utf8' },
    { name: 'text', type: 'utf8', unique: true },
    { name: 'x', type: 'float64' },
    { name: 'n', type: 'int32' },
    { name: 'flag', type: 'bool' },
  ],
});

/** Row i; every `long.every`-th text is `long.length` characters longer. */
export const everyColumnTypeRow = (i: number, long = { every: 17, length: 300 }) => ({
  ts: i % 11 === 0 ? null : 1_767_571_200_000 + i * 997,
  name: i % 7 === 0 ? null : ['api', 'db', 'ünïcode ✓', '', '𝄞 clef', '\uFEFFbom'][i % 6],
  text: i % 13 === 0 ? null : `message ${i} ${'é'.repeat(i % 4)}${i % long.every === 0 ? 'x'.repeat(long.length) : ''}`,
  x: i % 5 === 0 ? null : i % 9 === 0 ? Number.NaN : i / 3 - 100,
  n: i % 6 === 0 ? null : i - 5000,
  flag: i % 4 === 0 ? null : i % 2 === 0,
});

/** Rows `from` … `from + rows − 1` of `row` as one batch of `spec`. */
export function batchOfRows(spec: TableSpec, from: number, rows: number, row: (i: number) => Record<string, unknown> = everyColumnTypeRow): WritableBatch {
  const b = new BatchBuilder(spec, rows + 1);
  for (let i = from; i < from + rows; i++) b.push(row(i));
  return b.flush();
}
