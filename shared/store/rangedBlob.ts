/** Bytes [start, end) of an object. */
export type ByteRange = readonly [start: number, end: number];

/**
 * A Blob-shaped view of a remote object whose bytes are read by range when asked for (the
 * object's tail, read on opening, and the ranges `prefetch` was given are served from memory).
 * parquet-wasm's `ParquetFile.fromFile` reads a Blob only through `size`, `slice(start, end)` and
 * the slice's `arrayBuffer()`, so this is all a Parquet reader needs to fetch only the footer and
 * the column chunks it decodes. It is not a `Blob` instance: pass it where only those are used.
 */
export interface PrefetchingBlob {
  readonly size: number;
  slice(start?: number, end?: number): { readonly size: number; arrayBuffer(): Promise<ArrayBuffer> };
  arrayBuffer(): Promise<ArrayBuffer>;
  /**
   * Reads these ranges now (merged where close, several requests at once) and serves them from
   * memory until each has been read once, so that a failed read is an error here, in the caller's
   * promise chain, rather than inside a reader that cannot report it (parquet-wasm panics).
   */
  prefetch(ranges: readonly ByteRange[]): Promise<void>;
  /**
   * Requests and bytes fetched from the store so far (the tail included); `unplanned`: reads that
   * were neither in the tail nor fetched ahead (each one a request made while the reader waited).
   */
  readonly fetched: { requests: number; bytes: number; unplanned: number };
}

/** Ranges closer than this are fetched as one: a request costs more than reading a gap of this size. */
const MERGE_GAP_BYTES = 64 * 1024;
const PREFETCH_CONCURRENCY = 8;

interface Segment {
  start: number;
  bytes: Uint8Array;
  /** The wanted ranges in it not yet served whole; dropped from memory when none is left. */
  pending: ByteRange[];
}

/**
 * `read(start, end)` fetches bytes [start, end) of the object (of the version first opened; the
 * caller makes it fail, with an error naming the object, when the object changed).
 */
export function createPrefetchingBlob(size: number, tail: Uint8Array, read: (start: number, end: number) => Promise<Uint8Array>): PrefetchingBlob {
  const tailStart = size - tail.length;
  const segments: Segment[] = [];
  const fetched = { requests: 1, bytes: tail.length, unplanned: 0 };
  const fetch = async (start: number, end: number) => {
    const bytes = await read(start, end);
    fetched.requests++;
    fetched.bytes += bytes.length;
    return bytes;
  };
  async function bytesOf(start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    // slice() copies: the reader is handed an ArrayBuffer of exactly the range (parquet-wasm reads it from offset 0).
    if (start >= tailStart) return tail.slice(start - tailStart, end - tailStart);
    if (end > tailStart) {
      // A footer longer than the tail: its head was fetched ahead, the rest is the tail.
      const head = await bytesOf(start, tailStart);
      const out = new Uint8Array(end - start);
      out.set(head);
      out.set(tail.subarray(0, end - tailStart), head.length);
      return out;
    }
    const i = segments.findIndex((s) => s.start <= start && end <= s.start + s.bytes.length);
    if (i === -1) {
      fetched.unplanned++;
      return fetch(start, end);
    }
    const segment = segments[i];
    const out = segment.bytes.slice(start - segment.start, end - segment.start);
    // Only ranges served whole count: a reader may ask for a part of one and the rest later.
    segment.pending = segment.pending.filter(([s, e]) => s < start || e > end);
    if (!segment.pending.length) segments.splice(i, 1);
    return out;
  }
  const clamp = (n: number | undefined, fallback: number) => {
    const v = n === undefined ? fallback : n < 0 ? size + n : n;
    return Math.min(Math.max(v, 0), size);
  };
  const arrayBufferOf = async (start: number, end: number) => (await bytesOf(start, end)).buffer as ArrayBuffer;
  return {
    size,
    fetched,
    slice(start, end) {
      // Blob.slice semantics: negative offsets count from the end, out-of-range ones are clamped.
      const from = clamp(start, 0);
      const to = Math.max(from, clamp(end, size));
      return { size: to - from, arrayBuffer: () => arrayBufferOf(from, to) };
    },
    arrayBuffer: () => arrayBufferOf(0, size),
    async prefetch(ranges) {
      const wanted = ranges
        .map(([s, e]) => [Math.max(0, s), Math.min(e, tailStart)] as const)
        .filter(([s, e]) => e > s)
        .sort((a, b) => a[0] - b[0]);
      const merged: { start: number; end: number; pending: ByteRange[] }[] = [];
      for (const range of wanted) {
        const last = merged.at(-1);
        if (last && range[0] - last.end <= MERGE_GAP_BYTES) {
          last.pending.push(range);
          last.end = Math.max(last.end, range[1]);
        } else merged.push({ start: range[0], end: range[1], pending: [range] });
      }
      for (let i = 0; i < merged.length; i += PREFETCH_CONCURRENCY) {
        const batch = merged.slice(i, i + PREFETCH_CONCURRENCY);
        const read = await Promise.all(batch.map((m) => fetch(m.start, m.end)));
        for (const [j, m] of batch.entries()) segments.push({ start: m.start, bytes: read[j], pending: m.pending });
      }
    },
  };
}
