import { type Data, Type, type Vector } from 'apache-arrow';

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
  // The cache as an open-addressing table over flat arrays (a Map of objects cost twice as much
  // per row): slot → entry, entry → its hash, its bytes in `arena`, its text.
  private readonly slots = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly hashes = new Int32Array(MAX_CACHE_ENTRIES);
  private readonly starts = new Int32Array(MAX_CACHE_ENTRIES + 1);
  private readonly arena = new Uint8Array(MAX_CACHE_ENTRIES * MAX_CACHED_BYTES);
  private readonly texts: string[] = [];
  constructor(private readonly cached: boolean) {}

  /**
   * Rows [0, length) of a chunk into out[o, o + length): row i is bytes[offsets[i], offsets[i + 1]),
   * valid when bit `bit0 + i` of `bitmap` is set (no bitmap: no nulls).
   */
  chunk(out: (string | null)[], o: number, offsets: Int32Array, bytes: Uint8Array, bitmap: Uint8Array | undefined, bit0: number, length: number): void {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as SliceableBuffer;
    const { slots, hashes, starts, arena, texts } = this;
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
      const n = end - start;
      if (!useCache || n > MAX_CACHED_BYTES) {
        out[o] = decodeSlice(buf, bytes, start, end);
        continue;
      }
      let h = 0x811c9dc5; // FNV-1a
      for (let b = start; b < end; b++) h = Math.imul(h ^ bytes[b], 0x01000193);
      lookups++;
      let slot = h & (CACHE_SLOTS - 1);
      let text: string | undefined;
      for (;;) {
        const e = slots[slot];
        if (e < 0) break;
        if (hashes[e] === h && starts[e + 1] - starts[e] === n) {
          let same = true;
          for (let b = 0, a = starts[e]; b < n; b++, a++)
            if (arena[a] !== bytes[start + b]) {
              same = false;
              break;
            }
          if (same) {
            text = texts[e];
            break;
          }
        }
        slot = (slot + 1) & (CACHE_SLOTS - 1);
      }
      if (text !== undefined) {
        out[o] = text;
        hits++;
      } else {
        text = decodeSlice(buf, bytes, start, end);
        const e = texts.length;
        if (e < MAX_CACHE_ENTRIES) {
          // `slot` is the empty slot the probe ended on.
          slots[slot] = e;
          hashes[e] = h;
          arena.set(bytes.subarray(start, end), starts[e]);
          starts[e + 1] = starts[e] + n;
          texts.push(text);
        }
        out[o] = text;
      }
      if (lookups === 2048 && hits < 1024) useCache = false; // mostly distinct values (user or session ids)
    }
  }
}

/**
 * The rows of an Arrow utf8 vector as their UTF-8 bytes, for byte-level fast paths that decode only
 * the rows they cannot handle (parse mines most messages from their bytes: decision 98). `at(i)`,
 * called with increasing rows, points `bytes`, `start` and `end` at row i; `text()` decodes that row
 * as `utf8Strings` would.
 */
export class Utf8RowCursor {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  private buf: SliceableBuffer = Buffer.alloc(0) as SliceableBuffer;
  private offsets: Int32Array = new Int32Array(1);
  /** The vector's row where the current chunk starts, and where it ends. */
  private first = 0;
  private last = 0;
  private chunk = -1;
  private readonly chunks: readonly Data[];

  constructor(vec: Vector) {
    if (vec.type.typeId !== Type.Utf8) throw new Error(`Utf8RowCursor reads utf8 columns, not ${vec.type}`);
    if (vec.nullCount > 0) throw new Error('Utf8RowCursor reads columns without nulls');
    this.chunks = vec.data;
  }

  /** Points at row i (not before the previous row). */
  at(i: number): void {
    while (i >= this.last) {
      const data = this.chunks[++this.chunk];
      if (data === undefined) throw new RangeError(`row ${i} is past the column's end`);
      this.first = this.last;
      this.last += data.length;
      this.offsets = (data.valueOffsets as Int32Array).subarray(data.offset);
      this.bytes = data.values as Uint8Array;
      this.buf = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength) as SliceableBuffer;
    }
    this.start = this.offsets[i - this.first];
    this.end = this.offsets[i - this.first + 1];
  }

  /**
   * Points at row i and returns how many rows from it (at most `max`) its chunk holds: for those,
   * row i + k is `bytes[offsets[j + k]..offsets[j + k + 1])` with j = `chunkRow`.
   */
  rowsInChunk(i: number, max: number): number {
    this.at(i);
    return Math.min(max, this.last - i);
  }

  /** The current chunk's value offsets (its row k from `offsets[k]` to `offsets[k + 1]` in `bytes`). */
  get chunkOffsets(): Int32Array {
    return this.offsets;
  }

  /** Row i's place in the current chunk. */
  chunkRow(i: number): number {
    return i - this.first;
  }

  /** The current row as text. */
  text(): string {
    return decodeSlice(this.buf, this.bytes, this.start, this.end);
  }
}

/** Twice the entries: probes stay short. */
const CACHE_SLOTS = 2 * MAX_CACHE_ENTRIES;
