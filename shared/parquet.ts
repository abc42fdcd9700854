import { Bool, Float64, Int32, Table, TimestampMillisecond, Utf8, Vector, makeData, makeVector, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquetWasm from 'parquet-wasm';
import { BadInputError } from './errors';
import { batchFromFfi, utf8InPlace } from './ffiBatch';
import { int64Number } from './int64';
import { type Utf8ChunkDecoder, utf8Strings, writeUtf8 } from './utf8Column';
import { createPrefetchingBlob } from './store/rangedBlob';

/**
 * Columnar batches <-> Parquet bytes (parquet-wasm + apache-arrow). Steps work on plain columns:
 * utf8 → (string|null)[], float64 and timestamp_ms → Float64Array with NaN for null,
 * int32 → Int32Array when it has no nulls, bool → (boolean|null)[].
 */
export type ColumnType = 'utf8' | 'float64' | 'int32' | 'timestamp_ms' | 'bool';
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** Nearly every value differs (messages, ids): skip dictionary encoding, which only costs time there. */
  readonly unique?: boolean;
}
export interface TableSpec {
  /** `<layer>/<table>` path inside the lake, e.g. `bronze/logs`. */
  readonly path: string;
  readonly columns: readonly ColumnSpec[];
}
export type ColumnData = readonly (string | null)[] | Float64Array | Int32Array | readonly (number | null)[] | readonly (boolean | null)[];
/**
 * A column kept as the Arrow vector it was read as (`decodeParquet`'s `arrow`): a step that only
 * passes a column through writes it back without turning every value into a JavaScript value.
 */
export type ArrowColumn = Vector;
export interface Batch {
  readonly rows: number;
  readonly columns: Readonly<Record<string, ColumnData>>;
  /** Columns read as Arrow vectors, to be written back as they are (not in `columns`). */
  readonly arrow?: Readonly<Record<string, ArrowColumn>>;
  /** utf8 columns read in place (`decodeParquetSlices`' `inPlace`): row → string, valid until the next slice. */
  readonly inPlace?: Readonly<Record<string, (row: number) => string | null>>;
}
/** What the writers take: plain columns, or Arrow vectors passed through from a read. */
export interface WritableBatch {
  readonly rows: number;
  readonly columns: Readonly<Record<string, ColumnData | ArrowColumn>>;
}

/**
 * Strings → an Arrow utf8 vector built by hand (about 5× faster than vectorFromArray, LIBRARY-NOTES),
 * encoded straight into one growing buffer: a Uint8Array per string made garbage collection a
 * quarter of `parse`'s time on 1M lines.
 */
function utf8Vector(values: readonly (string | null)[]): Vector {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const validity = new Uint8Array(Math.ceil(n / 8));
  let chars = 0;
  for (let i = 0; i < n; i++) chars += values[i]?.length ?? 0;
  let bytes = new Uint8Array(Math.max(64, Math.ceil(chars * 1.1)));
  let nullCount = 0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nullCount++;
    else {
      validity[i >> 3] |= 1 << (i & 7);
      if (pos + v.length * 3 > bytes.length) {
        // UTF-16 → UTF-8 takes at most 3 bytes per code unit.
        const grown = new Uint8Array(Math.max(bytes.length * 2, pos + v.length * 3));
        grown.set(bytes.subarray(0, pos));
        bytes = grown;
      }
      pos = writeUtf8(v, bytes, pos);
    }
    offsets[i + 1] = pos;
  }
  return makeVector(
    makeData({ type: new Utf8(), length: n, nullCount, nullBitmap: nullCount ? validity : null, valueOffsets: offsets, data: bytes.subarray(0, pos) }),
  );
}

function numbersWithNulls(values: ColumnData): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | null | undefined;
    out[i] = v === null || v === undefined || Number.isNaN(v) ? null : v;
  }
  return out;
}

function toVector(spec: ColumnSpec, values: ColumnData | ArrowColumn): Vector {
  if (values instanceof Vector) return values;
  switch (spec.type) {
    case 'utf8':
      return utf8Vector(values as readonly (string | null)[]);
    case 'float64':
      return vectorFromArray(numbersWithNulls(values), new Float64());
    case 'int32':
      return vectorFromArray(numbersWithNulls(values), new Int32());
    case 'timestamp_ms':
      return vectorFromArray(numbersWithNulls(values), new TimestampMillisecond());
    case 'bool':
      return vectorFromArray(values as readonly (boolean | null)[], new Bool());
  }
}

/** Batch → Arrow IPC stream: the JavaScript half of encoding (about half the time, LIBRARY-NOTES). */
export function toArrowStream(spec: TableSpec, batch: WritableBatch): Uint8Array {
  return tableToIPC(toArrowTable(spec, batch), 'stream');
}

/** Batch → the Arrow table `toArrowStream` serializes (columns in the spec's order, checked). */
export function toArrowTable(spec: TableSpec, batch: WritableBatch): Table {
  const vectors: Record<string, Vector> = {};
  for (const col of spec.columns) {
    const values = batch.columns[col.name];
    if (!values) throw new BadInputError(`table ${spec.path}: column "${col.name}" is missing from the batch`);
    if (values.length !== batch.rows) throw new BadInputError(`table ${spec.path}: column "${col.name}" has ${values.length} values, expected ${batch.rows}`);
    vectors[col.name] = toVector(col, values);
  }
  return new Table(vectors);
}

/**
 * Columns written without dictionary encoding: the unique ones (see ColumnSpec.unique) and times.
 * Millisecond times are nearly all distinct; with V2 pages they are delta-encoded instead: on 1M
 * Silver rows `ts` writes in ~18 instead of ~150 CPU ms, 1.1 instead of 3.5 MB (decision 82).
 */
export const plainColumns = (spec: TableSpec): string[] => spec.columns.filter((c) => c.unique || c.type === 'timestamp_ms').map((c) => c.name);

/**
 * Arrow IPC stream → Parquet bytes: the wasm half (encodings and ZSTD). Self-contained, so it can
 * run on a worker thread (shared/parquetEncoder.ts) while the step builds its next batch.
 */
export function arrowStreamToParquet(stream: Uint8Array, plain: readonly string[]): Uint8Array {
  return wasmTableToParquet(arrowStreamToWasm(stream), plain);
}

/**
 * The first half of `arrowStreamToParquet`: the stream copied into wasm memory as a table. After
 * it, the stream's buffer is free again (the encoding worker hands it back at once, decision 99).
 */
export function arrowStreamToWasm(stream: Uint8Array): parquetWasm.Table {
  return parquetWasm.Table.fromIPCStream(stream);
}

/** The second half of `arrowStreamToParquet`: a table in wasm memory → Parquet bytes (the table is consumed). */
export function wasmTableToParquet(table: parquetWasm.Table, plain: readonly string[]): Uint8Array {
  let builder = new parquetWasm.WriterPropertiesBuilder()
    .setCompression(parquetWasm.Compression.ZSTD)
    .setMaxRowGroupSize(131_072) // smaller row groups: faster downstream readers for ~15 % size (LIBRARY-NOTES)
    // V2 data pages (delta encodings where a column is not dictionary-encoded): ~4 % smaller files.
    .setWriterVersion(parquetWasm.WriterVersion.V2)
    // Min/max per page of every column cost ~10 % of encoding and no reader of ours uses them;
    // the time column keeps per-row-group min/max so other readers can still skip by time.
    .setStatisticsEnabled(parquetWasm.EnabledStatistics.None)
    .setColumnStatisticsEnabled('ts', parquetWasm.EnabledStatistics.Chunk);
  // Measured on a 250k-row Silver part: 423 → 374 ms to write, 10.6 → 9.8 MB.
  for (const name of plain) builder = builder.setColumnDictionaryEnabled(name, false);
  return parquetWasm.writeParquet(table, builder.build());
}

export function encodeParquet(spec: TableSpec, batch: WritableBatch): Uint8Array {
  return arrowStreamToParquet(toArrowStream(spec, batch), plainColumns(spec));
}

function fromVector(spec: ColumnSpec, vec: Vector): ColumnData {
  switch (spec.type) {
    case 'utf8':
      return spec.unique ? (vec.toArray() as (string | null)[]) : utf8Strings(vec);
    case 'bool':
      return vec.toArray() as (boolean | null)[];
    case 'float64':
    case 'timestamp_ms':
      return numbersFromVector(vec);
    case 'int32':
      return vec.nullCount === 0 ? Int32Array.from(vec.toArray() as Int32Array) : int32sWithNulls(vec);
  }
}

/**
 * float64 and timestamp_ms → Float64Array, NaN for null, read from each chunk's buffers: the
 * vector's iterator (one call and, for int64 milliseconds, one BigInt per row) was a sixth of
 * `features`. Milliseconds come from the two 32-bit halves of each int64, exact below 2^53.
 */
function numbersFromVector(vec: Vector): Float64Array {
  const out = new Float64Array(vec.length);
  let o = 0;
  for (const data of vec.data) {
    const n = data.length;
    const values = data.values as Float64Array | BigInt64Array | Int32Array;
    if (values instanceof BigInt64Array) {
      const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      for (let i = 0; i < n; i++) out[o + i] = int64Number(halves, i);
    } else if (values instanceof Float64Array) out.set(values.subarray(0, n), o);
    else {
      // Layouts this project does not write (another writer's int32 times, say): the general way.
      for (let i = 0; i < n; i++) {
        const v = vec.get(o + i);
        out[o + i] = v === null ? NaN : Number(v);
      }
    }
    if (data.nullCount) {
      const bitmap = data.nullBitmap as Uint8Array;
      for (let i = 0, b = data.offset; i < n; i++, b++) if (((bitmap[b >> 3] >> (b & 7)) & 1) === 0) out[o + i] = NaN;
    }
    o += n;
  }
  return out;
}

/** A nullable int32 column → numbers and nulls, from the chunk buffers (see numbersFromVector). */
function int32sWithNulls(vec: Vector): (number | null)[] {
  const out = new Array<number | null>(vec.length);
  let o = 0;
  for (const data of vec.data) {
    const values = data.values as Int32Array;
    const bitmap = data.nullCount ? (data.nullBitmap as Uint8Array) : undefined;
    for (let i = 0, b = data.offset; i < data.length; i++, b++) out[o + i] = !bitmap || ((bitmap[b >> 3] >> (b & 7)) & 1) === 1 ? values[i] : null;
    o += data.length;
  }
  return out;
}

/**
 * Decodes a whole file (callers keep files to `rowsPerPart` rows, so memory stays bounded).
 * `only`: read just these columns. `arrow`: leave these as Arrow vectors (see ArrowColumn).
 * parquet-wasm's synchronous `readParquet` decodes every column whatever `columns` says;
 * `decodeParquetColumns` decodes only the wanted ones.
 */
export function decodeParquet(spec: TableSpec, bytes: Uint8Array, source = spec.path, only?: readonly string[], arrow: readonly string[] = []): Batch {
  const wanted = wantedColumns(spec, only);
  const read = () => readWasmTable(bytes, source, only && wanted);
  return fromWasmTable(read(), read, wanted, arrow, missingColumn(spec, source));
}

/**
 * `decodeParquet` reading from the file only the column chunks of `only`, through parquet-wasm's
 * ParquetFile, whose reader applies the projection: features reads 8 of Silver's 16 columns, and
 * the other 8 (the message and its params above all) were most of the decoding.
 */
export async function decodeParquetColumns(
  spec: TableSpec,
  bytes: Uint8Array,
  source = spec.path,
  only?: readonly string[],
  arrow: readonly string[] = [],
): Promise<Batch> {
  const wanted = wantedColumns(spec, only);
  const missing = missingColumn(spec, source);
  const file = await openWithColumns(bytesBlob(bytes), source, wanted, missing);
  let groups: number;
  try {
    groups = rowGroupCount(file);
  } catch (err) {
    file.free();
    throw err;
  }
  if (groups <= 1 && wanted.length === spec.columns.length) {
    file.free();
    return decodeParquet(spec, bytes, source, only, arrow);
  }
  try {
    // A row group at a time, each copied out before the next is decoded: the wasm memory (which
    // never shrinks) grows to one row group's columns, not a whole part's (a 250k-row Bronze part:
    // 45 instead of 76 MB in the decoding worker; decision 99).
    const parts: Batch[] = [];
    for (let group = 0; group < Math.max(1, groups); group++) {
      const read = () => readColumns(file, source, wanted, READ_BATCH_ROWS, groups > 1 ? [group] : undefined);
      parts.push(fromWasmTable(await read(), undefined, wanted, arrow, missing) ?? decodeThroughIpc(await read(), wanted, arrow, missing));
    }
    return joinRowGroups(parts);
  } finally {
    file.free();
  }
}

/**
 * `bytes` as the Blob parquet-wasm reads (its size, `slice`, and the slice's `arrayBuffer`): each
 * range it reads is a copy of that range only. `new Blob([bytes])` copied the whole part first,
 * ~5 MB of new memory per Bronze part on the decoding thread (docs/decisions.md 106). The
 * bytes must not change until the decoding is done.
 */
function bytesBlob(bytes: Uint8Array): Blob {
  return createPrefetchingBlob(bytes.length, bytes, () => Promise.reject(new Error('a Parquet part held in memory has no range to fetch'))) as unknown as Blob;
}

function rowGroupCount(file: parquetWasm.ParquetFile): number {
  const metadata = file.metadata();
  try {
    return metadata.numRowGroups();
  } finally {
    metadata.free();
  }
}

/**
 * The batches of a file's row groups, in order, as one: kept vectors get each group's chunks (as a
 * whole-file read gives them, a record batch per row group); plain columns are joined, an int32
 * column as numbers and nulls when any group has a null (as a whole-file read gives it).
 */
function joinRowGroups(parts: readonly Batch[]): Batch {
  if (parts.length === 1) return parts[0];
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  const columns: Record<string, ColumnData> = {};
  for (const name of Object.keys(parts[0].columns)) {
    const pieces = parts.map((p) => p.columns[name]);
    const first = pieces[0];
    if ((first instanceof Float64Array || first instanceof Int32Array) && pieces.every((c) => c.constructor === first.constructor)) {
      const out = first instanceof Float64Array ? new Float64Array(rows) : new Int32Array(rows);
      let at = 0;
      for (const c of pieces) {
        out.set(c as Float64Array & Int32Array, at);
        at += c.length;
      }
      columns[name] = out;
    } else {
      const out = new Array<unknown>(rows);
      let at = 0;
      for (const c of pieces) for (let i = 0; i < c.length; i++) out[at++] = c[i];
      columns[name] = out as ColumnData;
    }
  }
  if (!parts[0].arrow) return { rows, columns };
  const arrow: Record<string, ArrowColumn> = {};
  for (const name of Object.keys(parts[0].arrow)) arrow[name] = makeVector(parts.flatMap((p) => p.arrow![name].data));
  return { rows, columns, arrow };
}

/**
 * `decodeParquetColumns`, yielding the file's rows `sliceRows` at a time (the last slice may be
 * shorter). The file is decoded once into wasm memory; each slice's JavaScript columns are read from
 * there when it is asked for, so they die young instead of a whole part's columns (250K rows of
 * strings) surviving into V8's old generation, where the garbage of many parts added up to peak
 * RSS that grew with the partition (decision 87). Consume each slice before asking for the next.
 * `file`: the Parquet file as a Blob; the reader fetches only the footer and the wanted column chunks
 * from it (a store's `openBlob` reads them from disk, or by ranges on S3: no copy of the whole part in memory).
 * `inPlace`: utf8 columns (among `only`) left in wasm memory, read by row through `batch.inPlace`
 * until the next slice is asked for; a layout that cannot be read so goes the general way, whole.
 * `decoders`: utf8 decoders by column, shared with other files of the same table (a decoder's cache
 * maps bytes to their text, the same in any file).
 */
export async function* decodeParquetSlices(
  spec: TableSpec,
  file: Blob,
  source = spec.path,
  only?: readonly string[],
  sliceRows = SLICE_ROWS,
  inPlace: readonly string[] = [],
  decoders = new Map<string, Utf8ChunkDecoder>(),
): AsyncGenerator<Batch> {
  const wanted = wantedColumns(spec, only);
  const plain = wanted.filter((c) => !inPlace.includes(c.name));
  const lazy = wanted.filter((c) => inPlace.includes(c.name));
  const missing = missingColumn(spec, source);
  const stream = (await readColumnsToWasm(file, source, wanted, missing, sliceRows)).intoFFI();
  try {
    const addrs = Array.from(stream.arrayAddrs());
    const schemaAddr = stream.schemaAddr();
    // One decoder per column for the whole file (or more, see `decoders`): its cache is about 200 KB
    // of typed arrays, and one per slice was most of a slice's garbage.
    let done = 0;
    let unreadable = false;
    for (const addr of addrs) {
      // Fetched per slice: a wasm call between slices that grows the memory detaches the old buffer
      // (the addresses stay valid until the stream is freed).
      const read = batchFromFfi(parquetWasm.wasmMemory().buffer, schemaAddr, [addr], plain, [], missing, decoders);
      const getters: Record<string, (row: number) => string | null> = {};
      for (const col of lazy) {
        const get = utf8InPlace(() => parquetWasm.wasmMemory().buffer, schemaAddr, addr, col, missing);
        if (get) getters[col.name] = get;
      }
      if (!read || Object.keys(getters).length < lazy.length) {
        unreadable = true;
        break;
      }
      done += read.rows;
      yield { rows: read.rows, columns: read.columns, ...(lazy.length ? { inPlace: getters } : {}) };
    }
    if (unreadable) {
      // A layout the FFI reader leaves alone: the rest through the general path, in one batch.
      const rest = await decodeParquetColumns(spec, new Uint8Array(await file.arrayBuffer()), source, only);
      yield inPlaceFromColumns(done === 0 ? rest : sliceBatch(rest, done), inPlace);
    }
  } finally {
    stream.free();
  }
}

/** The `wanted` columns of a Parquet file decoded into a table in wasm memory, `sliceRows` rows per record batch. */
async function readColumnsToWasm(blob: Blob, source: string, wanted: readonly ColumnSpec[], missing: (name: string) => Error, sliceRows: number) {
  const file = await openWithColumns(blob, source, wanted, missing);
  try {
    return await readColumns(file, source, wanted, sliceRows);
  } finally {
    file.free();
  }
}

/** A Parquet file opened and checked to hold every wanted column; the caller frees it. */
async function openWithColumns(blob: Blob, source: string, wanted: readonly ColumnSpec[], missing: (name: string) => Error): Promise<parquetWasm.ParquetFile> {
  let file: parquetWasm.ParquetFile;
  try {
    file = await parquetWasm.ParquetFile.fromFile(blob);
  } catch (err) {
    throw notReadable(source, err);
  }
  try {
    const schema = file.schema();
    try {
      for (const col of wanted) {
        try {
          schema.indexOf(col.name);
        } catch {
          throw missing(col.name);
        }
      }
    } finally {
      schema.free();
    }
    return file;
  } catch (err) {
    file.free();
    throw err;
  }
}

/** The wanted columns of an opened file (of `rowGroups` only, if given) as a table in wasm memory, `batchSize` rows per record batch. */
async function readColumns(file: parquetWasm.ParquetFile, source: string, wanted: readonly ColumnSpec[], batchSize: number, rowGroups?: number[]) {
  try {
    return await file.read({ batchSize, columns: wanted.map((c) => c.name), ...(rowGroups ? { rowGroups } : {}) });
  } catch (err) {
    throw notReadable(source, err);
  }
}

/**
 * Rows per slice of `decodeParquetSlices`: small enough that a slice's columns die in the young
 * generation. Under 16,384: an array of 16,384 values is 128 KB plus a header, which V8 allocates as
 * a large object, and a large object alive at a young collection is promoted at once (at 10M logs
 * `features` promoted 150 MB of such column arrays).
 */
export const SLICE_ROWS = 16_000;

/** The general path's decoded utf8 columns served as `inPlace` getters too. */
function inPlaceFromColumns(batch: Batch, inPlace: readonly string[]): Batch {
  if (!inPlace.length) return batch;
  const getters: Record<string, (row: number) => string | null> = {};
  for (const name of inPlace) {
    const values = batch.columns[name] as readonly (string | null)[];
    getters[name] = (row) => values[row];
  }
  return { ...batch, inPlace: getters };
}

/** Rows [from, end) of a batch. */
function sliceBatch(batch: Batch, from: number): Batch {
  const columns: Record<string, ColumnData> = {};
  for (const [name, values] of Object.entries(batch.columns)) columns[name] = values.slice(from) as ColumnData;
  return { rows: batch.rows - from, columns };
}

/** The columns of `spec` a read asks for: those named in `only`, in the spec's order, or all. */
const wantedColumns = (spec: TableSpec, only: readonly string[] | undefined): readonly ColumnSpec[] =>
  only ? spec.columns.filter((c) => only.includes(c.name)) : spec.columns;

/** Rows per record batch read: a part's row groups are 131,072 rows (arrowStreamToParquet). */
const READ_BATCH_ROWS = 131_072;

const missingColumn = (spec: TableSpec, source: string) => (name: string) =>
  new BadInputError(`${source}: column "${name}" is missing; was it written by an older version? Rerun the step that writes ${spec.path}.`);

const notReadable = (source: string, err: unknown) => new BadInputError(`${source} is not a readable Parquet file: ${(err as Error).message}`, { cause: err });

/** `columns`: the projection to ask for (all when undefined; the synchronous reader ignores it). */
function readWasmTable(bytes: Uint8Array, source: string, columns: readonly ColumnSpec[] | undefined): parquetWasm.Table {
  try {
    return parquetWasm.readParquet(bytes, { batchSize: READ_BATCH_ROWS, ...(columns ? { columns: columns.map((c) => c.name) } : {}) });
  } catch (err) {
    throw notReadable(source, err);
  }
}

/**
 * A table in wasm memory → a batch, its columns read straight from that memory (shared/ffiBatch.ts)
 * instead of through an IPC stream that Arrow JS parses (decision 79). Layouts
 * the FFI reader leaves alone go through IPC, on the table `reread` gives; without `reread`,
 * undefined and the caller rereads.
 */
function fromWasmTable(
  table: parquetWasm.Table,
  reread: () => parquetWasm.Table,
  wanted: readonly ColumnSpec[],
  arrow: readonly string[],
  missing: (name: string) => Error,
): Batch;
function fromWasmTable(
  table: parquetWasm.Table,
  reread: undefined,
  wanted: readonly ColumnSpec[],
  arrow: readonly string[],
  missing: (name: string) => Error,
): Batch | undefined;
function fromWasmTable(
  table: parquetWasm.Table,
  reread: (() => parquetWasm.Table) | undefined,
  wanted: readonly ColumnSpec[],
  arrow: readonly string[],
  missing: (name: string) => Error,
): Batch | undefined {
  const stream = table.intoFFI();
  let read: ReturnType<typeof batchFromFfi>;
  try {
    const addrs = stream.arrayAddrs();
    const schemaAddr = stream.schemaAddr();
    // Taken after the calls above: a wasm call that grows the memory detaches the old buffer.
    read = batchFromFfi(parquetWasm.wasmMemory().buffer, schemaAddr, addrs, wanted, arrow, missing);
  } finally {
    stream.free();
  }
  if (!read) return reread && decodeThroughIpc(reread(), wanted, arrow, missing);
  const vectors: Record<string, ArrowColumn> = {};
  for (const [name, chunks] of Object.entries(read.vectors)) vectors[name] = makeVector(chunks);
  return { rows: read.rows, columns: read.columns, ...(arrow.length ? { arrow: vectors } : {}) };
}

/** `decodeParquet` the general way (see decodeThroughIpc): the reference the FFI reader is tested against. */
export function decodeParquetThroughIpc(
  spec: TableSpec,
  bytes: Uint8Array,
  source = spec.path,
  only?: readonly string[],
  arrow: readonly string[] = [],
): Batch {
  const wanted = wantedColumns(spec, only);
  return decodeThroughIpc(readWasmTable(bytes, source, only && wanted), wanted, arrow, missingColumn(spec, source));
}

/** The general way, for layouts the FFI reader leaves alone: Arrow IPC → Arrow JS → columns. */
function decodeThroughIpc(wasmTable: parquetWasm.Table, wanted: readonly ColumnSpec[], arrow: readonly string[], missing: (name: string) => Error): Batch {
  const table = tableFromIPC(wasmTable.intoIPCStream());
  const columns: Record<string, ColumnData> = {};
  const vectors: Record<string, ArrowColumn> = {};
  for (const col of wanted) {
    const vec = table.getChild(col.name);
    if (!vec) throw missing(col.name);
    if (arrow.includes(col.name)) vectors[col.name] = vec;
    else columns[col.name] = fromVector(col, vec);
  }
  return { rows: table.numRows, columns, ...(arrow.length ? { arrow: vectors } : {}) };
}
