import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './store/memoryStore';
import { createLocalStore } from './store/localStore';
import type { ObjectStore } from './store/objectStore';
import { ParquetEncoder } from './parquetEncoder';
import { ViewPool } from './bufferPool';
import { bronzePart, computedColumns } from './parquet/logParts.fixture';
import {
  checkCompanion,
  committedDates,
  readCommitted,
  readCommittedAhead,
  readCommittedAheadWithBytes,
  readManifest,
  readPartitionAll,
  requireCompanion,
  PartitionWriter,
  requireManifest,
  writePartition,
} from './lake';
import { EXIT, exitCodeOf } from './errors';
import { bronzeLogs, quarantine, silverLogs } from './schemas';
import type { Batch, TableSpec, WritableBatch } from './parquet';

const batch = (n: number, reason = 'r'): Batch => ({
  rows: n,
  columns: {
    source_file: Array.from({ length: n }, (_, i) => `f${i}`),
    source_line: Int32Array.from({ length: n }, (_, i) => i + 1),
    raw: Array.from({ length: n }, (_, i) => (i % 2 ? null : `raw ${i} ünïcode`)),
    reason: Array.from({ length: n }, () => reason),
  },
});

describe('lake partitions', () => {
  it('round-trips Parquet parts, lists committed dates, and a rerun replaces the partition', async () => {
    const store = createMemoryStore();
    await writePartition(store, quarantine, '2026-01-05', [batch(3), batch(2)], { runId: 'run1' });
    expect(await committedDates(store, quarantine)).toEqual(['2026-01-05']);
    const all = await readPartitionAll(store, quarantine, '2026-01-05');
    expect(all.rows).toBe(5);
    expect(all.columns.raw.slice(0, 3)).toEqual(['raw 0 ünïcode', null, 'raw 2 ünïcode']);

    await writePartition(store, quarantine, '2026-01-05', [batch(1, 'second')], { runId: 'run2' });
    const manifest = await readManifest(store, quarantine, '2026-01-05');
    expect(manifest).toMatchObject({ runId: 'run2', rows: 1 });
    const runFiles = async (run: string) => (await store.list('bronze/quarantine/date=2026-01-05/')).filter((k) => k.includes(run));
    // The replaced manifest's parts stay for its readers; the next commit past the grace period removes them.
    expect(await runFiles('run1')).toHaveLength(2);
    expect((await readPartitionAll(store, quarantine, '2026-01-05')).columns.reason).toEqual(['second']);
    await writePartition(store, quarantine, '2026-01-05', [batch(1, 'third')], { runId: 'run3', graceMs: 0 });
    expect(await runFiles('run1')).toEqual([]);
    expect(await runFiles('run2')).toHaveLength(1);
  });

  it('reads ahead the parts readCommitted reads, in order, and reports a part it cannot read when it is reached', async () => {
    const store = createMemoryStore();
    await writePartition(store, quarantine, '2026-01-05', [batch(3, 'a'), batch(2, 'b'), batch(4, 'c')], { runId: 'run1' });
    const manifest = await requireManifest(store, quarantine, '2026-01-05');
    const seen = async (parts: AsyncGenerator<Batch>) => {
      const out: unknown[] = [];
      for await (const b of parts) out.push([b.rows, b.columns.reason, b.columns.raw, Object.keys(b.arrow ?? {})]);
      return out;
    };
    const ahead = await seen(readCommittedAhead(store, quarantine, manifest, { columns: ['raw', 'reason'], arrow: ['raw'] }));
    expect(ahead).toEqual(await seen(readCommitted(store, quarantine, manifest, ['raw', 'reason'], ['raw'])));
    expect(ahead.map((b) => (b as [number])[0])).toEqual([3, 2, 4]);
    // With each part's bytes, as stored, and its source named.
    const withBytes: string[] = [];
    for await (const { batch: b, bytes, source } of readCommittedAheadWithBytes(store, quarantine, manifest, { columns: ['raw'], arrow: ['raw'] })) {
      const key = manifest.files[withBytes.length].key;
      expect(Buffer.from(bytes).equals(Buffer.from(await store.get(key)))).toBe(true);
      expect(source).toBe(`${store.uri}${key}`);
      withBytes.push(String(b.rows));
    }
    expect(withBytes).toEqual(['3', '2', '4']);
    // The last part is corrupt: the first two still come, then the error names the file.
    await store.put(manifest.files[2].key, new Uint8Array([1, 2, 3]));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const b of readCommittedAhead(store, quarantine, manifest)) got.push(b.rows);
      })(),
    ).rejects.toThrow(/part-run1-00002\.parquet is not a readable Parquet file/);
    expect(got).toEqual([3, 2]);
  });

  it('ignores uncommitted partitions and says which step to run', async () => {
    const store = createMemoryStore();
    await store.put('bronze/quarantine/date=2026-01-06/part-x-00000.parquet', new Uint8Array([1, 2, 3]));
    expect(await committedDates(store, quarantine)).toEqual([]);
    await expect(readPartitionAll(store, quarantine, '2026-01-06', 'run ingest first')).rejects.toThrow(/no committed partition .*run ingest first/);
  });

  it('records companions in the manifest; checkCompanion passes the named run and manifests without companions', async () => {
    const store = createMemoryStore();
    const main = await writePartition(store, quarantine, '2026-01-07', [batch(1)], { runId: 'b', companions: { templates: 'b' } });
    expect((await readManifest(store, quarantine, '2026-01-07'))?.companions).toEqual({ templates: 'b' });
    expect(() => checkCompanion(main, 'templates', 'b', 'parse')).not.toThrow();
    const err = (() => {
      try {
        checkCompanion(main, 'templates', 'a', 'parse');
      } catch (e) {
        return e;
      }
    })();
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(/goes with templates of run b, but the lake holds run a: .*Rerun parse for 2026-01-07/);
    const legacy = await writePartition(store, quarantine, '2026-01-08', [batch(1)], { runId: 'c' });
    expect(legacy.companions).toBeUndefined();
    expect(() => checkCompanion(legacy, 'templates', undefined, 'parse')).not.toThrow();
  });
  it('requireCompanion returns the companion the main manifest names, and refuses another run or none', async () => {
    const store = createMemoryStore();
    const date = '2026-01-09';
    await writePartition(store, quarantine, date, [batch(2)], { runId: 'r1' });
    // bronzeLogs stands in for any main table: only its manifest is read here.
    const main = await writePartition(store, bronzeLogs, date, [], { runId: 'r1', companions: { quarantine: 'r1' } });
    expect((await requireCompanion(store, main, quarantine, 'quarantine', 'ingest')).rows).toBe(2);
    await writePartition(store, quarantine, date, [batch(1)], { runId: 'r2' });
    await expect(requireCompanion(store, main, quarantine, 'quarantine', 'ingest')).rejects.toThrow(
      /holds run r2: a run of ingest stopped between its commits/,
    );
    const alone = await writePartition(store, bronzeLogs, '2026-01-10', [], { runId: 'r3' });
    await expect(requireCompanion(store, alone, quarantine, 'quarantine', 'ingest', 'run ingest')).rejects.toThrow(/no committed partition .*run ingest/);
  });

  it('writes spliced parts (writeOnto) into reused buffers only once each is stored: every part is the bytes the writer writes for its rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-lake-'));
    try {
      const encoder = new ParquetEncoder();
      // A store whose puts take a while (as S3's do): a buffer reused before its put is done would be written over.
      for (const store of [slowPuts(createMemoryStore()), createLocalStore(dir)]) {
        const writer = new PartitionWriter(store, silverLogs, '2026-01-05', 'run-splice');
        const wholes: Uint8Array[] = [];
        // Parts of about the same size, so that a later part takes an earlier one's buffer.
        for (let seed = 0; seed < 6; seed++) {
          const bronze = bronzePart(3_000 + seed, seed);
          const computed = computedColumns(bronze, seed % 2 === 1);
          const base = await encoder.encode(bronzeLogs, bronze);
          wholes.push(await encoder.encode(silverLogs, { rows: bronze.rows, columns: { ...bronze.columns, ...computed } }));
          await writer.writeOnto({ rows: bronze.rows, columns: computed }, base, `bronze part ${seed}`);
        }
        const manifest = await writer.commit();
        expect(manifest.files).toHaveLength(6);
        for (const [i, f] of manifest.files.entries()) expect(Buffer.from(await store.get(f.key)).equals(Buffer.from(wholes[i])), `part ${i}`).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads parts into pooled buffers (getInto) that come back only once spliced: every Silver part is the bytes the writer writes for its rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-lake-'));
    try {
      const encoder = new ParquetEncoder();
      // Puts that take a while (as S3's do) keep parts in flight while the next ones are read.
      for (const store of [slowPuts(createMemoryStore()), createLocalStore(dir)]) {
        const date = '2026-01-06';
        // Parts of about the same size, so that a later part is read into an earlier one's buffer.
        const bronzes = Array.from({ length: 6 }, (_, seed) => bronzePart(3_000 + seed, seed));
        const bronzeManifest = await writePartition(store, bronzeLogs, date, bronzes, { runId: 'bronze-run' });
        const stored = await Promise.all(bronzeManifest.files.map((f) => store.get(f.key)));
        const pool = new ViewPool(4);
        const writer = new PartitionWriter(store, silverLogs, date, 'silver-run');
        // The bundle encodes on a thread: a part is spliced well after writeOnto returns, while the
        // next parts are read. Encoding here takes as long, so a buffer given back before its part
        // is spliced is read into, and that Silver part comes out wrong.
        const slowEncoder = {
          encode: (spec: TableSpec, b: WritableBatch) =>
            encoder.encode(spec, b).then((bytes) => new Promise<Uint8Array>((r) => setTimeout(() => r(bytes), 20))),
        };
        Object.assign(writer, { encoder: slowEncoder });
        const wholes: Uint8Array[] = [];
        let part = 0;
        const reads = readCommittedAheadWithBytes(store, bronzeLogs, bronzeManifest, { columns: ['message'], arrow: ['message'], reuse: true, into: pool });
        for await (const { batch, bytes, source } of reads) {
          // The part's own bytes, in the pool's memory, never the store's object.
          expect(pool.owns(bytes), `part ${part}`).toBe(true);
          expect(Buffer.from(bytes).equals(Buffer.from(stored[part])), `part ${part}`).toBe(true);
          expect(batch.rows).toBe(bronzes[part].rows);
          const computed = computedColumns(bronzes[part], part % 2 === 1);
          wholes.push(await encoder.encode(silverLogs, { rows: batch.rows, columns: { ...bronzes[part].columns, ...computed } }));
          await writer.writeOnto({ rows: batch.rows, columns: computed }, bytes, source, () => pool.give(bytes));
          part++;
        }
        const manifest = await writer.commit();
        expect(manifest.files).toHaveLength(6);
        for (const [i, f] of manifest.files.entries())
          expect(Buffer.from(await store.get(f.key)).equals(Buffer.from(wholes[i])), `Silver part ${i}`).toBe(true);
        // The buffers were reused: fewer than one per part, and the stored Bronze parts are untouched.
        expect(pool.size).toBeGreaterThan(0);
        for (const [i, f] of bronzeManifest.files.entries())
          expect(Buffer.from(await store.get(f.key)).equals(Buffer.from(stored[i])), `Bronze part ${i}`).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('getInto reads an object into the caller memory, on the memory and the local store, and names an object that is not there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-lake-'));
    try {
      for (const store of [createMemoryStore(), createLocalStore(dir)]) {
        const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255);
        await store.put('t/a.bin', bytes);
        const memory = new Uint8Array(400_000).fill(9);
        const sizes: number[] = [];
        const read = await store.getInto!('t/a.bin', (size) => {
          sizes.push(size);
          return memory.subarray(100, 100 + size);
        });
        expect(sizes).toEqual([300_000]);
        expect(read.buffer).toBe(memory.buffer);
        expect(Buffer.from(read).equals(Buffer.from(bytes))).toBe(true);
        // Only the bytes given were written.
        expect(memory[99]).toBe(9);
        expect(memory[300_100]).toBe(9);
        await store.put('t/empty.bin', new Uint8Array(0));
        expect((await store.getInto!('t/empty.bin', (size) => new Uint8Array(size))).byteLength).toBe(0);
        await expect(store.getInto!('t/missing.bin', (size) => new Uint8Array(size))).rejects.toThrow(/object not found: .*t\/missing\.bin/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** `store` with puts that take 30 ms each, as S3's take a while. */
function slowPuts(store: ObjectStore): ObjectStore {
  return { ...store, put: (key, bytes) => new Promise((resolve) => setTimeout(resolve, 30)).then(() => store.put(key, bytes)) };
}
