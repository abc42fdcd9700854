import { describe, expect, it } from 'vitest';
import { tableToIPC } from 'apache-arrow';
import { tableToIpcInto } from './ipcStream';
import { toArrowTable } from './parquet';
import { batchOfRows, everyColumnType } from './everyColumnType.fixture';

const spec = everyColumnType('test/ipc');
/** Byte equality without a value-by-value diff of large arrays (slow in the matcher). */
const same = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;

describe('tableToIpcInto', () => {
  it("writes tableToIPC's bytes, into a new buffer, a buffer too small (which it outgrows) and a reused one holding older bytes", () => {
    for (const rows of [0, 1, 37, 5_000]) {
      const table = toArrowTable(spec, batchOfRows(spec, 3, rows));
      const expected = tableToIPC(table, 'stream');
      const fresh = tableToIpcInto(table);
      expect(same(fresh, expected)).toBe(true);
      expect([fresh.byteOffset, fresh.buffer.byteLength]).toEqual([0, fresh.byteLength]);
      expect(same(tableToIpcInto(table, new ArrayBuffer(100)), expected)).toBe(true);
      const used = new ArrayBuffer(expected.byteLength + 4096);
      new Uint8Array(used).fill(0xab);
      const written = tableToIpcInto(table, used);
      expect(same(written, expected)).toBe(true);
      expect(written.buffer).toBe(used);
      expect(written.byteOffset).toBe(0);
    }
  });

  it('writes a table of several record batches as tableToIPC does', () => {
    const parts = [batchOfRows(spec, 0, 300), batchOfRows(spec, 300, 7)].map((b) => toArrowTable(spec, b));
    const table = parts[0].concat(parts[1]);
    expect(table.batches.length).toBe(2);
    expect(same(tableToIpcInto(table, new ArrayBuffer(10)), tableToIPC(table, 'stream'))).toBe(true);
  });
});
