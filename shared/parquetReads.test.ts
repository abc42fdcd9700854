import { describe, expect, it } from 'vitest';
import { Dictionary, Int32, Int64, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { BatchBuilder } from './batchBuilder';
import { batchOfRows, everyColumnType, everyColumnTypeRow } from './everyColumnType.fixture';
import { batchFromFfi } from './ffiBatch';
import { decodeParquet, decodeParquetColumns, decodeParquetThroughIpc, encodeParquet, toArrowStream, type Batch, type TableSpec } from './parquet';

// Every column type the lake writes (shared/everyColumnType.fixture.ts), with times before 1970
// and one more int32 column that has no nulls; 140k rows span two row groups.
const base = everyColumnType('test/reads');
const spec: TableSpec = { ...base, columns: [...base.columns, { name: 'm', type: 'int32' }] };

const row = (i: number) => ({
  ...everyColumnTypeRow(i),
  ts: i % 11 === 0 ? null : 1_767_571_200_000 + i * 997 - (i % 3 === 0 ? 2 ** 40 : 0),
  m: i * 3,
});

const parquetOf = (rows: number): Uint8Array => encodeParquet(spec, batchOfRows(spec, 0, rows, row));

/** A batch's columns as JSON, typed arrays as their class and values (NaN equal to NaN): fast to compare at 140k rows. */
const plain = (batch: Batch) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(batch.columns)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, ArrayBuffer.isView(v) ? [v.constructor.name, Array.from(v as Float64Array, String)] : v]),
    ),
  );

describe('reading Parquet from wasm memory (FFI) and only the wanted column chunks', () => {
  const bytes = parquetOf(140_000);
  const names = spec.columns.map((c) => c.name);

  it('reads every column type this project writes from the wasm memory, without falling back to IPC', () => {
    const stream = parquetWasm.readParquet(bytes, { batchSize: 131_072 }).intoFFI();
    try {
      const addrs = stream.arrayAddrs();
      const schemaAddr = stream.schemaAddr();
      const read = batchFromFfi(parquetWasm.wasmMemory().buffer, schemaAddr, addrs, spec.columns, ['name', 'x', 'n'], (name) => new Error(name));
      expect(addrs.length).toBe(2);
      expect(read?.rows).toBe(140_000);
      expect(Object.keys(read!.columns).sort()).toEqual(['flag', 'm', 'text', 'ts']);
      expect(Object.keys(read!.vectors).sort()).toEqual(['n', 'name', 'x']);
    } finally {
      stream.free();
    }
  });

  it('gives the columns the IPC path gives, for every type, whole or projected', async () => {
    for (const only of [undefined, ['ts', 'name', 'n'], ['text', 'x', 'm', 'flag']]) {
      const reference = decodeParquetThroughIpc(spec, bytes, 'ref', only);
      expect(reference.rows).toBe(140_000);
      expect(Object.keys(reference.columns).sort()).toEqual([...(only ?? names)].sort());
      expect(plain(decodeParquet(spec, bytes, 'x', only))).toEqual(plain(reference));
      expect(plain(await decodeParquetColumns(spec, bytes, 'x', only))).toEqual(plain(reference));
    }
    // The no-nulls int32 column stays a typed array; the nullable one holds nulls.
    const projected = await decodeParquetColumns(spec, bytes, 'x', ['m', 'n']);
    expect(projected.columns.m).toBeInstanceOf(Int32Array);
    expect(projected.columns.n[0]).toBeNull();
    expect(projected.columns.name).toBeUndefined();
  });

  it('keeps the columns asked for as Arrow vectors with the values and types of the IPC path', async () => {
    const keep = ['name', 'text', 'x', 'n'];
    const reference = decodeParquetThroughIpc(spec, bytes, 'ref', undefined, keep).arrow!;
    for (const read of [decodeParquet(spec, bytes, 'x', undefined, keep), await decodeParquetColumns(spec, bytes, 'x', ['ts', ...keep], keep)]) {
      for (const name of keep) {
        expect(read.arrow![name].type.toString()).toBe(reference[name].type.toString());
        expect(read.arrow![name].nullCount).toBe(reference[name].nullCount);
        expect(JSON.stringify(Array.from(read.arrow![name].toArray() as ArrayLike<unknown>, String))).toBe(
          JSON.stringify(Array.from(reference[name].toArray() as ArrayLike<unknown>, String)),
        );
      }
      // Kept vectors are copies: they outlive the wasm table and write back to the same Parquet.
      const again = encodeParquet({ path: 'test/kept', columns: spec.columns.filter((c) => keep.includes(c.name)) }, { rows: 140_000, columns: read.arrow! });
      expect(plain(decodeParquet({ path: 'test/kept', columns: spec.columns.filter((c) => keep.includes(c.name)) }, again))).toEqual(
        plain(decodeParquetThroughIpc(spec, bytes, 'ref', keep)),
      );
    }
  });

  it('keeps a time column as an Arrow vector from wasm memory (parse passes `ts` through), writing the same Parquet as the IPC path', () => {
    const stream = parquetWasm.readParquet(bytes, { batchSize: 131_072 }).intoFFI();
    try {
      const addrs = stream.arrayAddrs();
      const schemaAddr = stream.schemaAddr();
      // Before, a kept `ts` sent the whole file to the IPC path: decoded twice, then serialized and parsed.
      const read = batchFromFfi(parquetWasm.wasmMemory().buffer, schemaAddr, addrs, spec.columns, ['ts', 'name'], (name) => new Error(name));
      expect(Object.keys(read!.vectors).sort()).toEqual(['name', 'ts']);
    } finally {
      stream.free();
    }
    const keep = ['ts', 'name', 'n'];
    const kept = decodeParquet(spec, bytes, 'x', undefined, keep).arrow!;
    const reference = decodeParquetThroughIpc(spec, bytes, 'ref', undefined, keep).arrow!;
    expect(kept.ts.type.toString()).toBe(reference.ts.type.toString());
    expect(kept.ts.nullCount).toBe(reference.ts.nullCount);
    expect(kept.ts.nullCount).toBeGreaterThan(0);
    expect(Array.from(kept.ts.toArray() as BigInt64Array, String)).toEqual(Array.from(reference.ts.toArray() as BigInt64Array, String));
    for (let i = 0; i < 140_000; i += 997) expect(kept.ts.isValid(i)).toBe(reference.ts.isValid(i));
    const keptSpec = { path: 'test/kept', columns: spec.columns.filter((c) => keep.includes(c.name)) };
    expect(
      Buffer.from(encodeParquet(keptSpec, { rows: 140_000, columns: kept })).equals(
        Buffer.from(encodeParquet(keptSpec, { rows: 140_000, columns: reference })),
      ),
    ).toBe(true);
  });

  it('reads layouts it does not take from wasm memory (a dictionary column, int64 from another writer) the general way', async () => {
    const n = 3000;
    const names = Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : ['api', 'db', 'ünï'][i % 3]));
    const counts = BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 1000));
    const foreign = parquetWasm.writeParquet(
      parquetWasm.Table.fromIPCStream(
        tableToIPC(
          new Table({ name: vectorFromArray(names, new Dictionary(new Utf8(), new Int32())), count: vectorFromArray(Array.from(counts), new Int64()) }),
          'stream',
        ),
      ),
    );
    const asSpec: TableSpec = {
      path: 'test/foreign',
      columns: [
        { name: 'name', type: 'utf8' },
        { name: 'count', type: 'float64' },
      ],
    };
    const reference = decodeParquetThroughIpc(asSpec, foreign);
    expect(reference.columns.name).toEqual(names);
    expect(Array.from(reference.columns.count as Float64Array)).toEqual(Array.from(counts, Number));
    expect(plain(decodeParquet(asSpec, foreign))).toEqual(plain(reference));
    expect(plain(await decodeParquetColumns(asSpec, foreign, 'x', ['name']))).toEqual(plain(decodeParquetThroughIpc(asSpec, foreign, 'x', ['name'])));
  });

  it('reads parts written by builds before V2 pages (V1 pages, page statistics on every column, dictionary-encoded times) to the same values', async () => {
    // The writer settings of an older lake, applied to the same rows.
    let before = new parquetWasm.WriterPropertiesBuilder().setCompression(parquetWasm.Compression.ZSTD).setMaxRowGroupSize(131_072);
    for (const name of spec.columns.filter((c) => c.unique).map((c) => c.name)) before = before.setColumnDictionaryEnabled(name, false);
    const stream = toArrowStream(spec, batchOfRows(spec, 0, 140_000, row));
    const old = parquetWasm.writeParquet(parquetWasm.Table.fromIPCStream(stream), before.build());
    expect(Buffer.compare(Buffer.from(old), Buffer.from(bytes))).not.toBe(0);
    expect(plain(decodeParquet(spec, old))).toEqual(plain(decodeParquet(spec, bytes)));
    expect(plain(await decodeParquetColumns(spec, old, 'x', ['ts', 'text', 'n']))).toEqual(
      plain(await decodeParquetColumns(spec, bytes, 'x', ['ts', 'text', 'n'])),
    );
    // V2 pages and fewer statistics make the file smaller, not larger.
    expect(bytes.length).toBeLessThan(old.length);
  });

  it('reads an empty part', async () => {
    const empty = encodeParquet(spec, new BatchBuilder(spec, 1).flush());
    expect((await decodeParquetColumns(spec, empty, 'x', ['ts', 'name'])).rows).toBe(0);
    expect(decodeParquet(spec, empty).rows).toBe(0);
  });

  it('names the file and the column when a projected column is missing, and refuses bytes that are not Parquet', async () => {
    const wider: TableSpec = { path: 'test/reads', columns: [...spec.columns, { name: 'added_later', type: 'utf8' }] };
    await expect(decodeParquetColumns(wider, bytes, 's3://lake/part-1.parquet', ['ts', 'added_later'])).rejects.toThrow(
      /s3:\/\/lake\/part-1\.parquet: column "added_later" is missing; .*Rerun the step that writes test\/reads/,
    );
    expect(() => decodeParquet(wider, bytes, 's3://lake/part-1.parquet')).toThrow(/column "added_later" is missing/);
    await expect(decodeParquetColumns(spec, new TextEncoder().encode('not parquet at all'), 'bad.parquet', ['ts'])).rejects.toThrow(
      /bad\.parquet is not a readable Parquet file/,
    );
  });
});
