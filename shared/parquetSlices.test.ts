import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalStore } from './store/localStore';
import { createMemoryStore } from './store/memoryStore';
import { readCommitted, readCommittedSlices, requireManifest, writePartition } from './lake';
import { decodeParquet, decodeParquetSlices, encodeParquet, type Batch } from './parquet';
import { batchOfRows, everyColumnType } from './everyColumnType.fixture';

// 140k rows span two row groups, so slices cross a row group boundary.
const spec = everyColumnType('test/slices');
const batchOf = (from: number, rows: number) => batchOfRows(spec, from, rows);

/** Row i of a batch as plain values (NaN as a string, so it compares equal). */
const rowsOf = (batch: Batch, names: readonly string[]) =>
  Array.from({ length: batch.rows }, (_, i) => names.map((n) => String((batch.columns[n] as ArrayLike<unknown>)[i])));

describe('reading a Parquet file a slice at a time', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-slices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = encodeParquet(spec, batchOf(0, 140_000));
  const names = spec.columns.map((c) => c.name);
  const whole = decodeParquet(spec, bytes);

  it('yields every row exactly once, in order, in slices of at most sliceRows', async () => {
    const sizes: number[] = [];
    const rows: string[][] = [];
    for await (const slice of decodeParquetSlices(spec, new Blob([bytes]), 'test', undefined, 10_000)) {
      sizes.push(slice.rows);
      rows.push(...rowsOf(slice, names));
    }
    expect(sizes.every((n) => n > 0 && n <= 10_000)).toBe(true);
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(140_000);
    expect(rows).toEqual(rowsOf(whole, names));
  });

  it('reads only the wanted columns, and leaves in-place columns in wasm memory, read by row', async () => {
    let offset = 0;
    for await (const slice of decodeParquetSlices(spec, new Blob([bytes]), 'test', ['ts', 'text', 'name'], 4_096, ['text', 'name'])) {
      expect(Object.keys(slice.columns)).toEqual(['ts']);
      expect(Array.from(slice.columns.ts as Float64Array)).toEqual(Array.from((whole.columns.ts as Float64Array).subarray(offset, offset + slice.rows)));
      // Every in-place value equals the whole read's (nulls, non-ASCII, a byte order mark dropped as the IPC path does).
      for (let i = 0; i < slice.rows; i += 1 + (i % 5)) {
        expect(slice.inPlace!.text(i)).toBe(whole.columns.text[offset + i]);
        expect(slice.inPlace!.name(i)).toBe(whole.columns.name[offset + i]);
      }
      expect(() => slice.inPlace!.text(slice.rows)).toThrow(RangeError);
      offset += slice.rows;
    }
    expect(offset).toBe(140_000);
  });

  it('names a missing column and an unreadable file', async () => {
    const drain = async (it: AsyncGenerator<Batch>) => {
      for await (const _ of it);
    };
    await expect(
      drain(decodeParquetSlices({ ...spec, columns: [...spec.columns, { name: 'extra', type: 'utf8' }] }, new Blob([bytes]), 'f.parquet', ['extra'])),
    ).rejects.toThrow(/f\.parquet: column "extra" is missing/);
    await expect(drain(decodeParquetSlices(spec, new Blob([new Uint8Array([1, 2, 3])]), 'bad.parquet'))).rejects.toThrow(
      /bad\.parquet is not a readable Parquet file/,
    );
  });

  // A memory store hands the reader each part's bytes; a local lake opens each part where it lies (openBlob).
  it.each([
    ['a memory store', () => createMemoryStore()],
    ['a local lake', () => createLocalStore(dir)],
  ])('readCommittedSlices gives each part of a manifest in turn, the same rows as reading the parts whole, from %s', async (_name, open) => {
    const store = open();
    await writePartition(store, spec, '2026-01-05', [batchOf(0, 30_000), batchOf(30_000, 12_345)], { runId: 'r1' });
    const manifest = await requireManifest(store, spec, '2026-01-05');
    const parts: string[][][] = [];
    for await (const part of readCommittedSlices(store, spec, manifest, undefined, 8_192)) {
      const rows: string[][] = [];
      for await (const slice of part) rows.push(...rowsOf(slice, names));
      parts.push(rows);
    }
    const expected: string[][][] = [];
    for await (const b of readCommitted(store, spec, manifest)) expected.push(rowsOf(b, names));
    expect(parts.map((p) => p.length)).toEqual([30_000, 12_345]);
    expect(parts).toEqual(expected);
  });

  it('a local lake names a part it cannot open', async () => {
    await expect(createLocalStore(dir).openBlob!('test/slices/date=2026-01-09/part-x.parquet')).rejects.toThrow(/object not found: .*part-x\.parquet/);
  });
});
