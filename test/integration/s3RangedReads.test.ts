import { beforeAll, describe, expect, it } from 'vitest';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readCommitted, readCommittedSlices, requireManifest, writePartition, type PartitionManifest } from '../../shared/lake';
import { decodeParquetSlices, type Batch } from '../../shared/parquet';
import { prefetchParquetColumns } from '../../shared/parquetChunks';
import { createS3Store } from '../../shared/store/s3Store';
import type { PrefetchingBlob } from '../../shared/store/rangedBlob';
import type { ObjectStore } from '../../shared/store/objectStore';
import { batchOfRows, everyColumnType } from '../../shared/everyColumnType.fixture';
import { createTestLake, TEST_S3_ENV } from '../support/services';

/**
 * The S3 store's ranged reads on MinIO (decision 91): a lake reader gets the same rows as from
 * whole objects, MinIO sends fewer bytes than the part when one column is read, and a missing,
 * replaced or forbidden part is an error naming it.
 */
const spec = everyColumnType('test/ranged');
const names = spec.columns.map((c) => c.name);
const date = '2026-01-05';

/** Bytes MinIO sent in answer to GetObject, from each response's Content-Length: counted on the wire, not by the store. */
function countingClient(credentials?: { accessKeyId: string; secretAccessKey: string }) {
  const client = new S3Client({ forcePathStyle: true, region: TEST_S3_ENV.AWS_REGION, ...(credentials ? { credentials } : {}) });
  const counted = { gets: 0, bytes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'GetObjectCommand') {
        counted.gets++;
        counted.bytes += Number((out.response as { headers?: Record<string, string> }).headers?.['content-length'] ?? 0);
      }
      return out;
    },
    { step: 'deserialize', name: 'countGetBytes' },
  );
  return { client, counted };
}

const rowsOf = (batch: Batch, columns: readonly string[]) =>
  Array.from({ length: batch.rows }, (_, i) => columns.map((n) => String((batch.columns[n] as ArrayLike<unknown>)[i])));

async function slicedRows(store: ObjectStore, manifest: PartitionManifest, columns?: readonly string[]) {
  const rows: string[][] = [];
  for await (const part of readCommittedSlices(store, spec, manifest, columns, 10_000))
    for await (const s of part) for (const row of rowsOf(s, columns ?? names)) rows.push(row);
  return rows;
}

describe('S3 ranged reads of Parquet parts (MinIO)', () => {
  let bucket: string;
  let prefix: string;
  let counting: ReturnType<typeof countingClient>;
  let store: ObjectStore;
  let manifest: PartitionManifest;
  let partKey: string;

  beforeAll(async () => {
    const lake = await createTestLake();
    [bucket, prefix] = lake.slice('s3://'.length).split(/\/(.*)/s);
    counting = countingClient();
    store = createS3Store(bucket, prefix, { forcePathStyle: true, client: counting.client });
    // 140K rows: two row groups, six columns of every type.
    await writePartition(store, spec, date, [batchOfRows(spec, 0, 140_000)], { runId: 'r1' });
    manifest = await requireManifest(store, spec, date);
    partKey = manifest.files[0].key;
  });

  it('gives the same rows as reading each part whole, every column and a projection', async () => {
    const whole: string[][] = [];
    for await (const b of readCommitted(store, spec, manifest)) for (const row of rowsOf(b, names)) whole.push(row);
    expect(whole).toHaveLength(140_000);
    expect(await slicedRows(store, manifest)).toEqual(whole);

    const projected = ['text', 'n'];
    const wholeProjected = whole.map((row) => projected.map((n) => row[names.indexOf(n)]));
    expect(await slicedRows(store, manifest, projected)).toEqual(wholeProjected);
  });

  it('fetches the footer and the one column read, not the part, and the reader asks for nothing more', async () => {
    const size = (await store.get(partKey)).length;
    counting.counted.bytes = 0;
    counting.counted.gets = 0;
    let blob: PrefetchingBlob | undefined;
    const opened = await store.openBlob!(partKey, async (b) => {
      blob = b;
      await prefetchParquetColumns(b, partKey, ['flag']);
    });
    const rows: string[][] = [];
    for await (const s of decodeParquetSlices(spec, opened, partKey, ['flag'])) for (const row of rowsOf(s, ['flag'])) rows.push(row);
    expect(rows).toHaveLength(140_000);
    expect(rows.slice(0, 4)).toEqual([['null'], ['false'], ['true'], ['false']]);
    // The booleans of two row groups (and the footer) are a small share of a part that the text column fills.
    expect(counting.counted.bytes).toBeGreaterThan(0);
    expect(counting.counted.bytes).toBeLessThan(size / 4);
    expect(counting.counted.bytes).toBe(blob!.fetched.bytes);
    // One request for the tail, then the column's chunks fetched ahead: every read of the reader came from memory.
    expect(blob!.fetched.unplanned).toBe(0);
    expect(counting.counted.gets).toBe(blob!.fetched.requests);
  });

  it('reads a whole part into the caller memory (getInto), and names a missing one', async () => {
    const whole = await store.get(partKey);
    const memory = new Uint8Array(whole.length + 200).fill(9);
    const sizes: number[] = [];
    const read = await store.getInto!(partKey, (size) => {
      sizes.push(size);
      return memory.subarray(100, 100 + size);
    });
    expect(sizes).toEqual([whole.length]);
    expect(read.buffer).toBe(memory.buffer);
    expect(Buffer.from(read).equals(Buffer.from(whole))).toBe(true);
    expect([memory[99], memory[whole.length + 100]]).toEqual([9, 9]);
    await expect(store.getInto!(`${partKey}.gone`, (size) => new Uint8Array(size))).rejects.toThrow(/object not found: s3:\/\/.*\.parquet\.gone/);
  });

  it('names a missing part, whether opened directly or listed by a manifest', async () => {
    await expect(store.openBlob!(`${partKey}.gone`)).rejects.toThrow(/object not found: s3:\/\/.*\.parquet\.gone\. .*rerun the step/);
    const other = await writePartition(store, { ...spec, path: 'test/ranged-gone' }, date, [batchOfRows(spec, 0, 1_000)], { runId: 'r2' });
    await counting.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}/${other.files[0].key}` }));
    await expect(slicedRows(store, other)).rejects.toThrow(new RegExp(`object not found: s3://.*${other.files[0].key.replace(/[.]/g, '\\.')}`));
    // An object that is not Parquet (here: empty) is named before the reader sees it.
    await store.put('test/ranged-empty/part.parquet', new Uint8Array(0));
    await expect(
      store.openBlob!('test/ranged-empty/part.parquet', (b) => prefetchParquetColumns(b, `${store.uri}test/ranged-empty/part.parquet`, undefined)),
    ).rejects.toThrow(/s3:\/\/.*ranged-empty\/part\.parquet is not a readable Parquet file \(no Parquet footer in its 0 bytes\)/);
  });

  it('names a part replaced between its footer and its column chunks (If-Match the first version)', async () => {
    const key = 'test/ranged-replaced/part.parquet';
    await store.put(key, await store.get(partKey));
    const replaced = await writePartition(store, { ...spec, path: 'test/ranged-other' }, date, [batchOfRows(spec, 5, 2_000)], { runId: 'r3' });
    const otherBytes = await store.get(replaced.files[0].key);
    await expect(
      store.openBlob!(key, async (b) => {
        await store.put(key, otherBytes);
        await prefetchParquetColumns(b, key, ['n']);
      }),
    ).rejects.toThrow(/part\.parquet changed while it was read \(its ETag is no longer .*\): .*Rerun this step/);
  });

  it('says access was denied, naming the object and never the secret', async () => {
    const secret = 'not-the-secret-8d1f';
    const denied = createS3Store(bucket, prefix, { forcePathStyle: true, client: countingClient({ accessKeyId: 'nobody', secretAccessKey: secret }).client });
    const err = await denied.openBlob!(partKey).catch((e: Error) => e);
    expect(String(err)).toMatch(/access denied reading s3:\/\/.*part-.*\.parquet .*s3:GetObject/);
    expect(String(err)).not.toContain(secret);
  });
});
