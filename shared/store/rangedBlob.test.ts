import { describe, expect, it } from 'vitest';
import { createPrefetchingBlob } from './rangedBlob';

/** An object of `size` bytes (byte i = i mod 251) and the ranges read from it. */
function source(size: number, tailBytes: number) {
  const object = Uint8Array.from({ length: size }, (_, i) => i % 251);
  const reads: [number, number][] = [];
  const blob = createPrefetchingBlob(size, object.slice(size - tailBytes), async (start, end) => {
    reads.push([start, end]);
    return object.slice(start, end);
  });
  return { object, reads, blob };
}
const bytes = async (p: Promise<ArrayBuffer>) => new Uint8Array(await p);

describe('a Blob read by ranges', () => {
  it('slices as a Blob does: negative offsets from the end, clamped, the whole object', async () => {
    const { object, blob } = source(1000, 100);
    expect(blob.size).toBe(1000);
    expect(await bytes(blob.slice(10, 20).arrayBuffer())).toEqual(object.slice(10, 20));
    expect(await bytes(blob.slice(-8).arrayBuffer())).toEqual(object.slice(992));
    expect(await bytes(blob.slice(990, 5000).arrayBuffer())).toEqual(object.slice(990));
    expect(blob.slice(50, 10).size).toBe(0);
    expect(await bytes(blob.arrayBuffer())).toEqual(object);
  });

  it('serves the tail and the ranges fetched ahead from memory, each ArrayBuffer exactly its range', async () => {
    const { object, reads, blob } = source(1_000_000, 1000);
    await blob.prefetch([
      [100, 200],
      [300, 400], // within 64 KiB of the one before: one request
      [500_000, 500_100],
    ]);
    expect(reads).toEqual([
      [100, 400],
      [500_000, 500_100],
    ]);
    const served = await blob.slice(300, 400).arrayBuffer();
    expect(served.byteLength).toBe(100);
    expect(new Uint8Array(served)).toEqual(object.slice(300, 400));
    expect(await bytes(blob.slice(999_500, 1_000_000).arrayBuffer())).toEqual(object.slice(999_500));
    expect(reads).toHaveLength(2);
    expect(blob.fetched).toEqual({ requests: 3, bytes: 1000 + 300 + 100, unplanned: 0 });
  });

  it('drops a fetched range once every wanted range in it was read whole; a later read fetches again', async () => {
    const { object, reads, blob } = source(1_000_000, 1000);
    await blob.prefetch([
      [100, 200],
      [300, 400],
    ]);
    await blob.slice(100, 150).arrayBuffer(); // half of one: kept
    await blob.slice(100, 200).arrayBuffer();
    expect(blob.fetched.unplanned).toBe(0);
    await blob.slice(300, 400).arrayBuffer(); // the last wanted range: dropped after this
    expect(await bytes(blob.slice(300, 400).arrayBuffer())).toEqual(object.slice(300, 400));
    expect(blob.fetched.unplanned).toBe(1);
    expect(reads.at(-1)).toEqual([300, 400]);
  });

  it('joins a range fetched ahead to the tail when a read spans both (a footer longer than the tail)', async () => {
    const { object, reads, blob } = source(10_000, 100);
    await blob.prefetch([[9000, 10_000]]);
    expect(reads).toEqual([[9000, 9900]]);
    expect(await bytes(blob.slice(9000, 10_000).arrayBuffer())).toEqual(object.slice(9000));
    expect(blob.fetched.unplanned).toBe(0);
  });

  it('passes on a failed read to the caller of prefetch', async () => {
    const blob = createPrefetchingBlob(100_000, new Uint8Array(10), async () => {
      throw new Error('object not found: s3://b/p/part.parquet');
    });
    await expect(blob.prefetch([[0, 10]])).rejects.toThrow(/object not found: s3:\/\/b\/p\/part\.parquet/);
  });
});
