import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Dictionary, Int32, Table, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { BatchBuilder } from './batchBuilder';
import { ParquetDecoder } from './parquetDecoder';
import { decodeParquetColumns, encodeParquet, type Batch, type TableSpec } from './parquet';
import { batchOfRows, everyColumnType, everyColumnTypeRow } from './everyColumnType.fixture';
import { BadInputError } from './errors';

// The worker is the bundled file; `make test` builds dist/ first (`npm run build`).
const workerUrl = new URL('../dist/parquetDecodeWorker.mjs', import.meta.url);

// 140k rows (two row groups), some texts 70K characters long.
const spec = everyColumnType('test/decoder');
const parquetOf = (rows: number): Uint8Array =>
  encodeParquet(
    spec,
    batchOfRows(spec, 0, rows, (i) => everyColumnTypeRow(i, { every: 1700, length: 70_000 })),
  );

/** Everything a reader or a writer sees of a batch: plain columns, and each kept vector's type, nulls and values. */
const seen = (batch: Batch) =>
  JSON.stringify({
    rows: batch.rows,
    columns: Object.entries(batch.columns).map(([k, v]) => [k, ArrayBuffer.isView(v) ? [v.constructor.name, Array.from(v as Float64Array, String)] : v]),
    arrow: Object.entries(batch.arrow ?? {}).map(([k, v]: [string, Vector]) => [
      k,
      v.type.toString(),
      v.nullCount,
      v.data.length,
      Array.from(v.toArray() as ArrayLike<unknown>, String),
      Array.from({ length: v.length }, (_, i) => v.isValid(i)),
    ]),
  });

describe('ParquetDecoder on a worker thread', () => {
  const bytes = parquetOf(140_000);

  it('gives what decoding on the calling thread gives, kept vectors and plain columns, and writes the same Parquet back', async () => {
    expect(existsSync(fileURLToPath(workerUrl)), 'run `npm run build` first').toBe(true);
    const decoder = new ParquetDecoder(workerUrl);
    expect(decoder.usesWorker).toBe(true);
    const keepAll = ['ts', 'name', 'text', 'x', 'n'];
    for (const [only, arrow] of [
      [undefined, keepAll],
      [undefined, []],
      [
        ['ts', 'text', 'flag'],
        ['ts', 'text'],
      ],
    ] as const) {
      const [viaWorker, here] = await Promise.all([decoder.decode(spec, bytes, 'w', only, arrow), decodeParquetColumns(spec, bytes, 'w', only, arrow)]);
      expect(seen(viaWorker)).toBe(seen(here));
      if (arrow.length === keepAll.length) {
        const kept = { path: 'test/kept', columns: spec.columns.filter((c) => keepAll.includes(c.name)) };
        expect(
          Buffer.from(encodeParquet(kept, { rows: 140_000, columns: viaWorker.arrow! })).equals(
            Buffer.from(encodeParquet(kept, { rows: 140_000, columns: here.arrow! })),
          ),
        ).toBe(true);
      }
    }
  });

  it('gives an empty part (ingest writes one for an empty day) as decoding on the calling thread does, typed columns and all', async () => {
    const decoder = new ParquetDecoder(workerUrl);
    const empty = encodeParquet(spec, new BatchBuilder(spec, 1).flush());
    const keep = ['ts', 'name', 'text', 'x', 'n'];
    const [viaWorker, here] = await Promise.all([decoder.decode(spec, empty, 'e', undefined, keep), decodeParquetColumns(spec, empty, 'e', undefined, keep)]);
    expect(viaWorker.rows).toBe(0);
    expect(seen(viaWorker)).toBe(seen(here));
    expect(viaWorker.arrow!.ts.type.toString()).toBe('Timestamp<MILLISECOND>');
  });

  it('decodes a part into the buffers of a released one, with the values of a fresh decode, and leaves buffers it did not give alone', async () => {
    const decoder = new ParquetDecoder(workerUrl);
    const keep = ['ts', 'name', 'text', 'x', 'n'];
    const buffersOf = (batch: Batch) =>
      new Set(
        Object.values(batch.arrow!).flatMap((v) =>
          v.data.flatMap((d) => [d.values, d.valueOffsets, d.nullBitmap].filter((b) => b).map((b) => (b as ArrayBufferView).buffer)),
        ),
      );
    const other = parquetOf(120_000);
    const first = await decoder.decode(spec, bytes, 'a', undefined, keep);
    const firstBuffers = buffersOf(first);
    decoder.release(first);
    const second = await decoder.decode(spec, other, 'b', undefined, keep);
    // The first part's buffers went to the worker with that request (detached here), and the second
    // part, copied into them, has the values of a fresh decode.
    expect([...firstBuffers].every((b) => b.byteLength === 0)).toBe(true);
    expect(seen(second)).toBe(seen(await decodeParquetColumns(spec, other, 'b', undefined, keep)));
    decoder.release(second);
    const third = await decoder.decode(spec, bytes, 'c', undefined, keep);
    expect(seen(third)).toBe(seen(await decodeParquetColumns(spec, bytes, 'c', undefined, keep)));
    // A batch decoded here (no worker buffers in it) is left as it is.
    const here = await decodeParquetColumns(spec, bytes, 'h', undefined, keep);
    const before = seen(here);
    decoder.release(here);
    expect(seen(here)).toBe(before);
  });

  it('hands transferred bytes back with every reply (values, a layout decoded here, an error): the same bytes, no copy left behind', async () => {
    const decoder = new ParquetDecoder(workerUrl);
    const keep = ['ts', 'name', 'text'];
    const owned = bytes.slice();
    const { batch, bytes: back } = await decoder.decodeHandingBack(spec, owned, 'o', undefined, keep);
    // Transferred, not copied: the caller's view is detached, and what came back is the part's bytes.
    expect(owned.byteLength).toBe(0);
    expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
    expect(seen(batch)).toBe(seen(await decodeParquetColumns(spec, bytes, 'o', undefined, keep)));
    // Handed back again: the memory makes the round trip as often as the caller sends it.
    const again = await decoder.decodeHandingBack(spec, back, 'o2', undefined, keep);
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    const dictSpec: TableSpec = { path: 'test/dict', columns: [{ name: 'name', type: 'utf8' }] };
    const names = Array.from({ length: 3000 }, (_, i) => ['api', 'db', 'ünï'][i % 3]);
    const foreign = parquetWasm.writeParquet(
      parquetWasm.Table.fromIPCStream(tableToIPC(new Table({ name: vectorFromArray(names, new Dictionary(new Utf8(), new Int32())) }), 'stream')),
    );
    const elsewhere = await decoder.decodeHandingBack(dictSpec, foreign.slice(), 'd', undefined, ['name']);
    expect(Buffer.from(elsewhere.bytes).equals(Buffer.from(foreign))).toBe(true);
    expect(seen(elsewhere.batch)).toBe(seen(await decodeParquetColumns(dictSpec, foreign, 'd', undefined, ['name'])));
    await expect(decoder.decodeHandingBack(spec, new Uint8Array([1, 2, 3, 4]), 'lake/bronze/part-8.parquet', undefined, ['name'])).rejects.toThrow(
      /part-8\.parquet is not a readable Parquet file/,
    );
  });

  it('decodes on the calling thread what its buffers cannot carry (a dictionary column), and names the file of bytes that are not Parquet', async () => {
    const decoder = new ParquetDecoder(workerUrl);
    const dictSpec: TableSpec = { path: 'test/dict', columns: [{ name: 'name', type: 'utf8' }] };
    const names = Array.from({ length: 3000 }, (_, i) => (i % 9 === 0 ? null : ['api', 'db', 'ünï'][i % 3]));
    const foreign = parquetWasm.writeParquet(
      parquetWasm.Table.fromIPCStream(tableToIPC(new Table({ name: vectorFromArray(names, new Dictionary(new Utf8(), new Int32())) }), 'stream')),
    );
    const viaWorker = await decoder.decode(dictSpec, foreign, 'd', undefined, ['name']);
    expect(seen(viaWorker)).toBe(seen(await decodeParquetColumns(dictSpec, foreign, 'd', undefined, ['name'])));
    const bad = decoder.decode(spec, new Uint8Array([1, 2, 3, 4]), 'lake/bronze/part-9.parquet', undefined, ['name']);
    await expect(bad).rejects.toBeInstanceOf(BadInputError);
    await expect(bad).rejects.toThrow(/lake\/bronze\/part-9\.parquet is not a readable Parquet file/);
  });
});
