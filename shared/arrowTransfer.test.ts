import { describe, expect, it } from 'vitest';
import { Dictionary, Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { tableFromTransfer, tableToTransfer } from './arrowTransfer';
import { BatchBuilder } from './batchBuilder';
import { decodeParquet, encodeParquet, passedThroughBuffers, toArrowTable, type TableSpec } from './parquet';

// Every column type the lake writes; 140k rows read back span two row groups, so a table mixing
// those two chunks with one-chunk columns has two record batches of sliced buffers.
const spec: TableSpec = {
  path: 'test/transfer',
  columns: [
    { name: 'ts', type: 'timestamp_ms' },
    { name: 'name', type: 'utf8' },
    { name: 'text', type: 'utf8', unique: true },
    { name: 'x', type: 'float64' },
    { name: 'n', type: 'int32' },
    { name: 'flag', type: 'bool' },
  ],
};
const row = (i: number) => ({
  ts: i % 11 === 0 ? null : 1_767_571_200_000 + i * 997,
  name: i % 7 === 0 ? null : ['api', '', 'ünïcode ✓', '𝄞 clef'][i % 4],
  text: i % 13 === 0 ? null : `message ${i} ${'é'.repeat(i % 4)}`,
  x: i % 5 === 0 ? null : i / 3,
  n: i % 6 === 0 ? null : i - 5000,
  flag: i % 4 === 0 ? null : i % 2 === 0,
});
function batchOf(rows: number) {
  const b = new BatchBuilder(spec, rows + 1);
  for (let i = 0; i < rows; i++) b.push(row(i));
  return b.flush();
}

/** Through a real structured clone with the transfer list, as postMessage does. */
function roundTrip(table: Table, borrowed = new Set<ArrayBufferLike>()): Table | undefined {
  const parts = tableToTransfer(table, borrowed);
  return parts && tableFromTransfer(structuredClone(parts.message, { transfer: parts.transfer }));
}

describe('an Arrow table taken apart for a worker and put back together', () => {
  it('serialises to the same IPC stream, for one batch and for several batches of sliced buffers', () => {
    const one = toArrowTable(spec, batchOf(1000));
    const want = tableToIPC(one, 'stream');
    expect(Buffer.from(tableToIPC(roundTrip(one)!, 'stream')).equals(Buffer.from(want))).toBe(true);

    const read = decodeParquet(spec, encodeParquet(spec, batchOf(140_000)), 'test', undefined, ['ts', 'text']);
    const mixed = toArrowTable(spec, { rows: read.rows, columns: { ...read.columns, ...read.arrow } });
    expect(mixed.batches.length).toBe(2);
    const mixedWant = tableToIPC(mixed, 'stream');
    const back = roundTrip(mixed, passedThroughBuffers({ rows: read.rows, columns: read.arrow! }))!;
    expect(Buffer.from(tableToIPC(back, 'stream')).equals(Buffer.from(mixedWant))).toBe(true);
    // The kept columns are the caller's: copied, never detached.
    expect(read.arrow!.ts.get(1)).toBe(1_767_571_200_997);
    expect(read.arrow!.text.get(1)).toBe('message 1 é');
  });

  it('moves the buffers it built instead of copying them', () => {
    const table = toArrowTable(spec, batchOf(100));
    const values = table.getChild('x')!.data[0].values;
    roundTrip(table);
    expect(values.byteLength).toBe(0); // detached: moved
  });

  it('leaves to the IPC stream what it does not carry: an empty table, a dictionary', () => {
    expect(tableToTransfer(toArrowTable(spec, batchOf(0)), new Set())).toBeUndefined();
    const dict = new Table({ d: vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())) });
    expect(tableToTransfer(dict, new Set())).toBeUndefined();
  });
});
