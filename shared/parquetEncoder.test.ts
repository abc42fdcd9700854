import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParquetEncoder } from './parquetEncoder';
import { decodeParquet, encodeParquet, type WritableBatch } from './parquet';
import { quarantine } from './schemas';
import { batchOfRows, everyColumnType, everyColumnTypeRow } from './everyColumnType.fixture';

// The worker is the bundled file; `make test` builds dist/ first (`npm run build`).
const workerUrl = new URL('../dist/parquetWorker.mjs', import.meta.url);

const batch = (n: number) => ({
  rows: n,
  columns: {
    source_file: Array.from({ length: n }, (_, i) => `f${i % 3}`),
    source_line: Int32Array.from({ length: n }, (_, i) => i + 1),
    raw: Array.from({ length: n }, (_, i) => (i % 5 ? `line ${i} ✓` : null)),
    reason: Array.from({ length: n }, () => 'r'),
  },
});

describe('ParquetEncoder on a worker thread', () => {
  it('writes the same Parquet as encoding on the calling thread, for parts in flight together', async () => {
    expect(existsSync(fileURLToPath(workerUrl)), 'run `npm run build` first').toBe(true);
    const encoder = new ParquetEncoder(workerUrl);
    expect(encoder.usesWorker).toBe(true);
    const parts = await Promise.all([batch(1000), batch(10), batch(0)].map((b) => encoder.encode(quarantine, b)));
    parts.forEach((bytes, k) => {
      expect(decodeParquet(quarantine, bytes)).toEqual(decodeParquet(quarantine, encodeParquet(quarantine, [batch(1000), batch(10), batch(0)][k])));
    });
  });

  it('writes the same bytes into stream buffers handed back by the worker as into new ones, part after part', async () => {
    const spec = everyColumnType('test/spare');
    // Streams of over 1 MB (smaller buffers are not kept), then smaller and larger ones.
    const parts = [batchOfRows(spec, 0, 30_000), batchOfRows(spec, 50, 20), batchOfRows(spec, 7, 45_000), batchOfRows(spec, 9, 25_000)];
    const expected = parts.map((b) => encodeParquet(spec, b));
    for (const encoder of [new ParquetEncoder(workerUrl), new ParquetEncoder()]) {
      // Twice over, one part at a time: from the second part on, each stream goes into a buffer used before (larger or smaller).
      for (let round = 0; round < 2; round++)
        for (const [k, b] of parts.entries()) expect(Buffer.compare(await encoder.encode(spec, b), expected[k]), `part ${k}, round ${round}`).toBe(0);
    }
  });

  it('rejects pending parts when the worker thread dies instead of hanging the step', async () => {
    const encoder = new ParquetEncoder(new URL('./no-such-worker.mjs', import.meta.url));
    await expect(encoder.encode(quarantine, batch(3))).rejects.toThrow(/no-such-worker|exited|Cannot find/);
  });

  it('warms up without a trace: the parts after it are the same, and a worker that cannot start fails the parts, not the warm-up', async () => {
    const encoder = new ParquetEncoder(workerUrl);
    encoder.warmUp(quarantine);
    const bytes = await encoder.encode(quarantine, batch(100));
    expect(decodeParquet(quarantine, bytes)).toEqual(decodeParquet(quarantine, encodeParquet(quarantine, batch(100))));
    const broken = new ParquetEncoder(new URL('./no-such-worker.mjs', import.meta.url));
    broken.warmUp(quarantine); // an unhandled rejection here would fail this test file
    await expect(broken.encode(quarantine, batch(3))).rejects.toThrow(/no-such-worker|exited|Cannot find/);
  });

  it('writes byte for byte what the calling thread writes, for every column type and the edge cases of a part', async () => {
    // Every type the lake writes; dictionary-encoded (name) and plain (text, ts) columns; nulls,
    // empty strings and non-ASCII; a batch with kept Arrow columns over two read chunks (two
    // record batches of sliced buffers); a batch of only nulls and empty strings; 0-row parts.
    // Any other way of handing a part to the worker (decision 86) has to keep this green.
    const spec = everyColumnType('test/worker-bytes');
    const build = (rows: number, row: (i: number) => Record<string, unknown>) => batchOfRows(spec, 0, rows, row);
    const varied = (i: number) => ({ ...everyColumnTypeRow(i), name: i % 7 === 0 ? null : ['api', '', 'ünïcode ✓', '𝄞 clef', '日本語'][i % 5] });
    const blank = (i: number) => ({ ts: null, name: i % 2 ? '' : null, text: '', x: null, n: null, flag: null });
    const read = decodeParquet(spec, encodeParquet(spec, build(140_000, varied)), 'test', undefined, ['ts', 'name', 'text']);
    const kept: WritableBatch = { rows: read.rows, columns: { ...read.columns, ...read.arrow } };
    const empty: WritableBatch = { rows: 0, columns: Object.fromEntries(spec.columns.map((c) => [c.name, []])) };
    const batches: WritableBatch[] = [build(5000, varied), kept, build(300, blank), build(0, varied), empty, build(1, varied)];
    const want = batches.map((b) => Buffer.from(encodeParquet(spec, b)));
    const encoder = new ParquetEncoder(workerUrl);
    const got = await Promise.all(batches.map((b) => encoder.encode(spec, b)));
    for (const [k, bytes] of got.entries()) expect(Buffer.from(bytes).equals(want[k]), `batch ${k}`).toBe(true);
    // The kept columns are still the caller's after the write.
    expect(read.arrow!.text.get(1)).toBe('message 1 é');
    expect(Buffer.from(encodeParquet(spec, kept)).equals(want[1])).toBe(true);
  });
});
