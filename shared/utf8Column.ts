import { Type, type Vector } from 'apache-arrow';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const SHORT_STRING = 16;

/**
 * Writes `s` as UTF-8 at `bytes[pos]` and returns the position after it; the caller leaves room for
 * 3 bytes per code unit. Short ASCII is copied code by code: TextEncoder.encodeInto costs a call
 * and a subarray per value, 4× the copy for ids and levels (ingest writes ~8M of them). From about
 * 20 characters on encodeInto is faster (5× at 250), so longer strings go to it.
 */
export function writeUtf8(s: string, bytes: Uint8Array, pos: number): number {
  const n = s.length;
  if (n > SHORT_STRING) return pos + encoder.encodeInto(s, bytes.subarray(pos)).written;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return pos - i + encoder.encodeInto(s, bytes.subarray(pos - i)).written;
    bytes[pos++] = c;
  }
  return pos;
}

/** Node's native UTF-8 slice (about twice TextDecoder's speed per short value); not in @types/node. */
type SliceableBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/** bytes[start, end) as text, as TextDecoder gives it (which drops a leading byte order mark). */
function decodeSlice(buf: SliceableBuffer, bytes: Uint8Array, start: number, end: number): string {
  if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) return decoder.decode(bytes.subarray(start, end));
  return buf.utf8Slice(start, end);
}
const MAX_CACHED_BYTES = 32;
const MAX_CACHE_ENTRIES = 4096;

interface CachedString {
  bytes: Uint8Array;
  text: string;
}

/**
 * An Arrow utf8 column → strings. Low-cardinality columns (service, level, template ids) repeat a
 * few short values millions of times; Arrow decodes every row anew (about a fifth of `features` and
 * `score`), so short values are looked up by their bytes instead. A collision in the byte hash is
 * checked byte by byte, and a column whose values rarely repeat goes back to plain decoding.
 */
export function utf8Strings(vec: Vector): (string | null)[] {
  if (vec.type.typeId !== Type.Utf8) return vec.toArray() as (string | null)[];
  const out = new Array<string | null>(vec.length);
  const decode = new Utf8ChunkDecoder(true);
  let o = 0;
  for (const data of vec.data) {
    // Validity read from the bitmap (Data.getValid per row cost a third of this function).
    const bitmap = data.nullCount ? (data.nullBitmap as Uint8Array) : undefined;
    decode.chunk(out, o, data.valueOffsets as Int32Array, data.values as Uint8Array, bitmap, data.offset, data.length);
    o += data.length;
  }
  return out;
}

/**
 * Decodes the chunks of one utf8 column into an array of strings (utf8Strings' work, on buffers
 * from wherever they are: Arrow JS vectors or parquet-wasm's memory). `cached`: look short values up
 * by their bytes (low-cardinality columns); false for columns whose values nearly all differ.
 */
export class Utf8ChunkDecoder {
  private readonly cache = new Map<number, CachedString>();
  constructor(private readonly cached: boolean) {}

  /**
   * Rows [0, length) of a chunk into out[o, o + length): row i is bytes[offsets[i], offsets[i + 1]),
   * valid when bit `bit0 + i` of `bitmap` is set (no bitmap: no nulls).
   */
  chunk(out: (string | null)[], o: number, offsets: Int32Array, bytes: Uint8Array, bitmap: Uint8Array | undefined, bit0: number, length: number): void {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as SliceableBuffer;
    const cache = this.cache;
    let lookups = 0;
    let hits = 0;
    let useCache = this.cached;
    for (let i = 0; i < length; i++, o++) {
      if (bitmap && ((bitmap[(bit0 + i) >> 3] >> ((bit0 + i) & 7)) & 1) === 0) {
        out[o] = null;
        continue;
      }
      const start = offsets[i];
      const end = offsets[i + 1];
      if (!useCache || end - start > MAX_CACHED_BYTES) {
        out[o] = decodeSlice(buf, bytes, start, end);
        continue;
      }
      let h = 0x811c9dc5; // FNV-1a
      for (let b = start; b < end; b++) h = Math.imul(h ^ bytes[b], 0x01000193);
      const hit = cache.get(h);
      lookups++;
      if (hit && sameBytes(hit.bytes, bytes, start, end)) {
        out[o] = hit.text;
        hits++;
      } else {
        const text = decodeSlice(buf, bytes, start, end);
        if (cache.size < MAX_CACHE_ENTRIES) cache.set(h, { bytes: bytes.slice(start, end), text });
        out[o] = text;
      }
      if (lookups === 2048 && hits < 1024) useCache = false; // mostly distinct values (user or session ids)
    }
  }
}

function sameBytes(cached: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (cached.length !== end - start) return false;
  for (let i = 0; i < cached.length; i++) if (cached[i] !== bytes[start + i]) return false;
  return true;
}
