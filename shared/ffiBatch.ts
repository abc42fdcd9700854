import { Float64, Int32, makeData, TimestampMillisecond, Utf8, type Data, type DataType } from 'apache-arrow';
import { ffiColumns, ffiFields, type FfiArray } from './arrowFfi';
import type { ColumnData, ColumnSpec } from './parquet';
import { Utf8ChunkDecoder } from './utf8Column';
import { int64Number } from './int64';
import type { BufferPool } from './bufferPool';

/**
 * Columns of a parquet-wasm table exported through the Arrow C Data Interface → the plain columns
 * `decodeParquet` returns, read straight from the wasm memory. Instead of the IPC stream (serialized
 * in wasm, copied out, parsed by Arrow JS and read through its vectors) each value is read once from
 * where the Parquet reader put it. `undefined` when a column has a layout this does not read (a
 * dictionary, a type another writer chose): the caller then takes the general IPC path.
 */
export function batchFromFfi(
  memory: ArrayBuffer,
  schemaAddr: number,
  arrayAddrs: ArrayLike<number>,
  wanted: readonly ColumnSpec[],
  arrow: readonly string[],
  missing: (name: string) => Error,
  decoders?: Map<string, Utf8ChunkDecoder>,
): { rows: number; columns: Record<string, ColumnData>; vectors: Record<string, Data[]> } | undefined {
  if (arrayAddrs.length === 0) return undefined;
  const fields = ffiFields(memory, schemaAddr);
  const batches = Array.from(arrayAddrs, (addr) => ffiColumns(memory, addr, fields));
  const rows = batches.reduce((sum, b) => sum + b.rows, 0);
  const columns: Record<string, ColumnData> = {};
  const vectors: Record<string, Data[]> = {};
  for (const col of wanted) {
    const index = fields.findIndex((f) => f.name === col.name);
    if (index < 0) throw missing(col.name);
    const chunks = batches.map((b) => b.columns[index]);
    if (!chunks.every((c) => readable(col, c, arrow.includes(col.name)))) return undefined;
    if (arrow.includes(col.name)) vectors[col.name] = chunks.map((c) => copiedData(memory, col, c));
    else columns[col.name] = plainColumn(memory, col, chunks, rows, decoders);
  }
  return { rows, columns, vectors };
}

/** The layouts this project's writers produce, as parquet-wasm reads them back. */
function readable(spec: ColumnSpec, c: FfiArray, keep: boolean): boolean {
  if (c.dictionary || c.offset !== 0 || c.nullCount < 0) return false;
  // Typed-array views need aligned addresses (Arrow's are 64-byte aligned; anything else goes the general way).
  if (c.buffers[1] % 8 !== 0) return false;
  switch (spec.type) {
    case 'utf8':
      return c.format === 'u';
    case 'float64':
      return c.format === 'g';
    case 'int32':
      return c.format === 'i';
    case 'timestamp_ms':
      // Kept as Arrow only without a time zone (`tsm:`), the type the writers give it; read as numbers, any zone.
      return keep ? c.format === 'tsm:' : c.format.startsWith('tsm:');
    case 'bool':
      return !keep && c.format === 'b';
  }
}

function validity(memory: ArrayBuffer, c: FfiArray): Uint8Array | undefined {
  return c.nullCount > 0 && c.buffers[0] !== 0 ? new Uint8Array(memory, c.buffers[0], Math.ceil(c.length / 8)) : undefined;
}

const isValid = (bitmap: Uint8Array | undefined, i: number) => !bitmap || ((bitmap[i >> 3] >> (i & 7)) & 1) === 1;

/**
 * `decoders`: a utf8 column's decoder kept from an earlier batch of the same file (its cache is
 * about 200 KB of typed arrays: one per 16K-row slice was most of a slice's garbage).
 */
function plainColumn(memory: ArrayBuffer, spec: ColumnSpec, chunks: readonly FfiArray[], rows: number, decoders?: Map<string, Utf8ChunkDecoder>): ColumnData {
  switch (spec.type) {
    case 'utf8': {
      const out = new Array<string | null>(rows);
      let decode = decoders?.get(spec.name);
      if (!decode) {
        decode = new Utf8ChunkDecoder(!spec.unique);
        decoders?.set(spec.name, decode);
      }
      let o = 0;
      for (const c of chunks) {
        const offsets = new Int32Array(memory, c.buffers[1], c.length + 1);
        decode.chunk(out, o, offsets, new Uint8Array(memory, c.buffers[2], offsets[c.length]), validity(memory, c), 0, c.length);
        o += c.length;
      }
      return out;
    }
    case 'float64':
    case 'timestamp_ms': {
      // NaN for null, as numbersFromVector; int64 milliseconds from their 32-bit halves.
      const out = new Float64Array(rows);
      let o = 0;
      for (const c of chunks) {
        if (c.format === 'g') out.set(new Float64Array(memory, c.buffers[1], c.length), o);
        else {
          const halves = new Int32Array(memory, c.buffers[1], c.length * 2);
          for (let i = 0; i < c.length; i++) out[o + i] = int64Number(halves, i);
        }
        const bitmap = validity(memory, c);
        if (bitmap) for (let i = 0; i < c.length; i++) if (!isValid(bitmap, i)) out[o + i] = NaN;
        o += c.length;
      }
      return out;
    }
    case 'int32': {
      if (chunks.every((c) => c.nullCount === 0)) {
        const out = new Int32Array(rows);
        let o = 0;
        for (const c of chunks) {
          out.set(new Int32Array(memory, c.buffers[1], c.length), o);
          o += c.length;
        }
        return out;
      }
      const out = new Array<number | null>(rows);
      let o = 0;
      for (const c of chunks) {
        const values = new Int32Array(memory, c.buffers[1], c.length);
        const bitmap = validity(memory, c);
        for (let i = 0; i < c.length; i++) out[o + i] = isValid(bitmap, i) ? values[i] : null;
        o += c.length;
      }
      return out;
    }
    case 'bool': {
      const out = new Array<boolean | null>(rows);
      let o = 0;
      for (const c of chunks) {
        const bits = new Uint8Array(memory, c.buffers[1], Math.ceil(c.length / 8));
        const bitmap = validity(memory, c);
        for (let i = 0; i < c.length; i++) out[o + i] = isValid(bitmap, i) ? isValid(bits, i) : null;
        o += c.length;
      }
      return out;
    }
  }
}

/** One chunk of a kept column as its buffers: what `makeData` needs beside the type, which the spec gives. */
export interface ChunkBuffers {
  length: number;
  nullCount: number;
  nullBitmap: Uint8Array | null;
  valueOffsets: Int32Array | null;
  values: Uint8Array | Float64Array | Int32Array | BigInt64Array;
}

/** A kept chunk as Arrow JS data of its spec's type: read here, or rebuilt from a worker's buffers (shared/parquetDecoder.ts). */
export function dataOfChunk(spec: ColumnSpec, c: ChunkBuffers): Data {
  const common = { length: c.length, nullCount: c.nullCount, nullBitmap: c.nullBitmap };
  if (spec.type === 'utf8') return makeData({ type: new Utf8(), ...common, valueOffsets: c.valueOffsets!, data: c.values as Uint8Array });
  if (spec.type === 'timestamp_ms') return makeData({ type: new TimestampMillisecond(), ...common, data: c.values as BigInt64Array });
  const type: DataType = spec.type === 'float64' ? new Float64() : new Int32();
  return makeData({ type, ...common, data: c.values } as Parameters<typeof makeData>[0]);
}

/**
 * Where kept chunks are copied to: a pool of buffers handed back by the thread that used them (the
 * decoding worker's, shared/parquetDecodeWorker.ts), or new buffers when none is set.
 */
let copyPool: BufferPool | undefined;

/** Kept chunks are copied into buffers of `pool` from now on (this thread's reads only). */
export function copyKeptChunksInto(pool: BufferPool | undefined): void {
  copyPool = pool;
}

const copied = <T extends Uint8Array | Int32Array | Float64Array | BigInt64Array>(view: T): T => (copyPool ? copyPool.copy(view) : (view.slice() as T));

/** A chunk as Arrow JS data, its buffers copied out of the wasm memory (freed after the read). */
function copiedData(memory: ArrayBuffer, spec: ColumnSpec, c: FfiArray): Data {
  const bitmap = validity(memory, c);
  const valueOffsets = spec.type === 'utf8' ? copied(new Int32Array(memory, c.buffers[1], c.length + 1)) : null;
  const values =
    spec.type === 'utf8'
      ? copied(new Uint8Array(memory, c.buffers[2], valueOffsets![c.length]))
      : spec.type === 'timestamp_ms'
        ? copied(new BigInt64Array(memory, c.buffers[1], c.length))
        : spec.type === 'float64'
          ? copied(new Float64Array(memory, c.buffers[1], c.length))
          : copied(new Int32Array(memory, c.buffers[1], c.length));
  return dataOfChunk(spec, { length: c.length, nullCount: c.nullCount, nullBitmap: bitmap ? copied(bitmap) : null, valueOffsets, values });
}

const textDecoder = new TextDecoder();

/**
 * A utf8 column of one exported record batch, read where it lies: row → its string, decoded when
 * asked (as Arrow JS's `Vector.get` decodes, a leading byte order mark dropped). For a column of
 * which a reader wants a few rows (score's sample lines): no copy of the whole column out of the
 * wasm memory. `memory` is called per row (a wasm call that grows the memory detaches the old
 * buffer; the addresses stay valid until the export is freed, and the getter must not outlive it).
 * `undefined` for a layout this does not read (see readable).
 */
export function utf8InPlace(
  memory: () => ArrayBuffer,
  schemaAddr: number,
  arrayAddr: number,
  spec: ColumnSpec,
  missing: (name: string) => Error,
): ((row: number) => string | null) | undefined {
  const fields = ffiFields(memory(), schemaAddr);
  const index = fields.findIndex((f) => f.name === spec.name);
  if (index < 0) throw missing(spec.name);
  const c = ffiColumns(memory(), arrayAddr, fields).columns[index];
  if (spec.type !== 'utf8' || !readable(spec, c, true)) return undefined;
  return (row) => {
    if (row < 0 || row >= c.length) throw new RangeError(`row ${row} outside a batch of ${c.length}`);
    const buffer = memory();
    if (!isValid(validity(buffer, c), row)) return null;
    const offsets = new Int32Array(buffer, c.buffers[1] + 4 * row, 2);
    return textDecoder.decode(new Uint8Array(buffer, c.buffers[2] + offsets[0], offsets[1] - offsets[0]));
  };
}
