import { copyStruct, field, integer, readStruct, setField, setInteger, type ThriftList, type ThriftStruct, WireType, writeStruct } from './thriftCompact';

/**
 * A Parquet file made of other Parquet files' column chunks, taken as bytes: `parse` writes Silver
 * as Bronze's columns plus three it computes, and decoding Bronze's other columns only to encode
 * them again unchanged was about 1.6 of parse's 5.8 CPU seconds on 1M logs, and most of the
 * memory it held (decisions 88 and 100). The chunks of each row group are
 * copied verbatim from the source that has the column; the footer is the `layout` file's (its
 * schema, key-value metadata with ARROW:schema, column orders: what the writer writes for the
 * output's schema) with the sources' row groups, every offset moved to where the bytes now lie.
 * Offset indexes (absolute page offsets) are rewritten, column indexes copied; bloom filters
 * are left out (this project's writer writes none).
 *
 * Parquet Thrift field ids used here (parquet.thrift): FileMetaData, RowGroup, ColumnChunk,
 * ColumnMetaData, OffsetIndex, PageLocation.
 */
const FILE = { version: 1, schema: 2, numRows: 3, rowGroups: 4, keyValue: 5, createdBy: 6, columnOrders: 7 } as const;
const SCHEMA = { name: 4, numChildren: 5 } as const;
const ROW_GROUP = { columns: 1, totalByteSize: 2, numRows: 3, sortingColumns: 4, fileOffset: 5, totalCompressedSize: 6 } as const;
const CHUNK = { filePath: 1, fileOffset: 2, metaData: 3, offsetIndexOffset: 4, offsetIndexLength: 5, columnIndexOffset: 6, columnIndexLength: 7 } as const;
const META = {
  pathInSchema: 3,
  totalUncompressedSize: 6,
  totalCompressedSize: 7,
  dataPageOffset: 9,
  indexPageOffset: 10,
  dictionaryPageOffset: 11,
  bloomFilterOffset: 14,
  bloomFilterLength: 15,
} as const;
const PAGE_LOCATION_OFFSET = 1;

const MAGIC = new TextEncoder().encode('PAR1');
const utf8 = new TextDecoder();

/** A Parquet file's footer (FileMetaData), decoded, and where it starts. */
export interface ParquetFooter {
  readonly meta: ThriftStruct;
  readonly start: number;
}

/** The footer of a Parquet file's bytes, or undefined when they do not end like one (e.g. an encrypted footer, `PARE`). */
export function readFooter(bytes: Uint8Array): ParquetFooter | undefined {
  const n = bytes.length;
  if (n < 12 || !sameBytes(bytes.subarray(n - 4), MAGIC) || !sameBytes(bytes.subarray(0, 4), MAGIC)) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  const start = n - 8 - length;
  if (start < 4) return undefined;
  return { meta: readStruct(bytes, start).struct, start };
}

/** The top-level column names of a footer's schema, in order, or undefined for a nested schema (not spliced). */
export function columnNames(meta: ThriftStruct): string[] | undefined {
  const columns = schemaColumns(meta);
  return columns && [...columns.keys()];
}

/**
 * A flat schema's columns by name, each as its SchemaElement's bytes (type, repetition, logical
 * type: a chunk is only taken into a file whose schema says the same of its column), or undefined
 * for a nested schema.
 */
function schemaColumns(meta: ThriftStruct): Map<string, Uint8Array> | undefined {
  const schema = (field(meta, FILE.schema)?.value as ThriftList | undefined)?.items as ThriftStruct[] | undefined;
  if (!schema?.length) return undefined;
  const leaves = schema.slice(1);
  if ((integer(schema[0], SCHEMA.numChildren) ?? 0) !== leaves.length) return undefined;
  if (leaves.some((e) => (integer(e, SCHEMA.numChildren) ?? 0) > 0)) return undefined;
  return new Map(leaves.map((e) => [utf8.decode(field(e, SCHEMA.name)!.value as Uint8Array), writeStruct(e)]));
}

/** A source file: its bytes and footer. */
export interface SpliceSource {
  readonly bytes: Uint8Array;
  readonly footer: ParquetFooter;
}

/**
 * The file whose schema and metadata are `layout`'s (a footer the writer wrote for the output's
 * schema, e.g. of an empty table), with each column's chunks taken from `sources[sourceOf(name)]`.
 * Undefined when the sources cannot be spliced so (the caller encodes the columns instead): their
 * row groups differ in number or rows, a column is missing or has another path, a chunk lies
 * elsewhere than in its file's data, a file is encrypted or points at other files.
 */
export function spliceParquet(
  layout: ThriftStruct,
  sources: readonly SpliceSource[],
  sourceOf: (column: string) => number,
  into: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes),
): Uint8Array | undefined {
  const layoutColumns = schemaColumns(layout);
  if (!layoutColumns || sources.length === 0) return undefined;
  const names = [...layoutColumns.keys()];
  const sourceColumns = sources.map((s) => schemaColumns(s.footer.meta));
  if (layout.fields.some((f) => f.id > FILE.columnOrders)) return undefined; // encryption
  const groupsOf = sources.map((s) => (s.footer.meta.fields.some((f) => f.id > FILE.columnOrders) ? undefined : rowGroups(s.footer.meta)));
  if (groupsOf.some((g) => !g)) return undefined;
  const groupCount = groupsOf[0]!.length;
  const numRows = integer(sources[0].footer.meta, FILE.numRows);
  if (groupsOf.some((g) => g!.length !== groupCount) || sources.some((s) => integer(s.footer.meta, FILE.numRows) !== numRows)) return undefined;
  // Each source's columns by name, per row group: the chunk and where its bytes lie.
  const chunks: { source: SpliceSource; chunk: ThriftStruct; start: number; length: number }[][] = [];
  for (let g = 0; g < groupCount; g++) {
    const rows = integer(groupsOf[0]![g], ROW_GROUP.numRows);
    if (groupsOf.some((gs) => integer(gs![g], ROW_GROUP.numRows) !== rows)) return undefined;
    const row: (typeof chunks)[number] = [];
    for (const name of names) {
      const index = sourceOf(name);
      const source = sources[index];
      const described = sourceColumns[index]?.get(name);
      if (!source || !described || !sameBytes(described, layoutColumns.get(name)!)) return undefined;
      const found = chunkNamed(groupsOf[index]![g], name, source);
      if (!found) return undefined;
      row.push({ source, ...found });
    }
    chunks.push(row);
  }

  // Data: the magic, then each row group's chunks in the layout's column order.
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const groups: ThriftStruct[] = [];
  const moved: { source: SpliceSource; chunk: ThriftStruct; delta: number }[] = [];
  for (let g = 0; g < groupCount; g++) {
    const columns: ThriftStruct[] = [];
    const groupStart = offset;
    let uncompressed = 0;
    for (const { source, chunk: original, start, length } of chunks[g]) {
      const chunk = copyStruct(original);
      const meta = field(chunk, CHUNK.metaData)!.value as ThriftStruct;
      const delta = offset - start;
      for (const id of [META.dataPageOffset, META.dictionaryPageOffset, META.indexPageOffset]) shift(meta, id, delta);
      shift(chunk, CHUNK.fileOffset, delta);
      meta.fields = meta.fields.filter((f) => f.id !== META.bloomFilterOffset && f.id !== META.bloomFilterLength);
      uncompressed += integer(meta, META.totalUncompressedSize)!;
      parts.push(source.bytes.subarray(start, start + length));
      offset += length;
      columns.push(chunk);
      moved.push({ source, chunk, delta });
    }
    const group = copyStruct(groupsOf[0]![g]);
    group.fields = group.fields.filter((f) => f.id !== ROW_GROUP.sortingColumns); // its column indexes are the source's
    setField(group, ROW_GROUP.columns, WireType.List, { kind: 'list', wire: WireType.List, elementType: WireType.Struct, items: columns });
    setField(group, ROW_GROUP.totalByteSize, WireType.I64, BigInt(uncompressed));
    if (field(group, ROW_GROUP.fileOffset)) setInteger(group, ROW_GROUP.fileOffset, groupStart);
    if (field(group, ROW_GROUP.totalCompressedSize)) setInteger(group, ROW_GROUP.totalCompressedSize, offset - groupStart);
    groups.push(group);
  }

  // Page indexes after the data, column indexes first (as arrow-rs writes them): a column index
  // holds no offsets and is copied; an offset index holds each page's absolute offset.
  for (const { source, chunk } of moved) {
    const at = integer(chunk, CHUNK.columnIndexOffset);
    const length = integer(chunk, CHUNK.columnIndexLength);
    if (at === undefined || length === undefined) continue;
    if (at < 4 || at + length > source.footer.start) return undefined;
    parts.push(source.bytes.subarray(at, at + length));
    setInteger(chunk, CHUNK.columnIndexOffset, offset);
    offset += length;
  }
  for (const { source, chunk, delta } of moved) {
    const at = integer(chunk, CHUNK.offsetIndexOffset);
    const length = integer(chunk, CHUNK.offsetIndexLength);
    if (at === undefined || length === undefined) continue;
    if (at < 4 || at + length > source.footer.start) return undefined;
    const index = readStruct(source.bytes, at).struct;
    for (const page of ((field(index, 1)?.value as ThriftList | undefined)?.items ?? []) as ThriftStruct[]) shift(page, PAGE_LOCATION_OFFSET, delta);
    const written = writeStruct(index);
    parts.push(written);
    setInteger(chunk, CHUNK.offsetIndexOffset, offset);
    setInteger(chunk, CHUNK.offsetIndexLength, written.length);
    offset += written.length;
  }

  const meta: ThriftStruct = { kind: 'struct', fields: layout.fields.filter((f) => f.id !== FILE.numRows && f.id !== FILE.rowGroups) };
  setField(meta, FILE.numRows, WireType.I64, BigInt(numRows ?? 0));
  setField(meta, FILE.rowGroups, WireType.List, { kind: 'list', wire: WireType.List, elementType: WireType.Struct, items: groups });
  const footer = writeStruct(meta);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footer.length, true);
  tail.set(MAGIC, 4);
  parts.push(footer, tail);
  return concat(parts, into(offset + footer.length + tail.length));
}

function rowGroups(meta: ThriftStruct): ThriftStruct[] {
  return ((field(meta, FILE.rowGroups)?.value as ThriftList | undefined)?.items ?? []) as ThriftStruct[];
}

/** The chunk of column `name` in a row group, and its bytes' place; undefined if absent or not a plain chunk of this file. */
function chunkNamed(group: ThriftStruct, name: string, source: SpliceSource): { chunk: ThriftStruct; start: number; length: number } | undefined {
  const chunks = ((field(group, ROW_GROUP.columns)?.value as ThriftList | undefined)?.items ?? []) as ThriftStruct[];
  for (const chunk of chunks) {
    const meta = field(chunk, CHUNK.metaData)?.value as ThriftStruct | undefined;
    if (!meta || field(chunk, CHUNK.filePath)) continue;
    const path = (field(meta, META.pathInSchema)?.value as ThriftList | undefined)?.items as Uint8Array[] | undefined;
    if (path?.length !== 1 || utf8.decode(path[0]) !== name) continue;
    const data = integer(meta, META.dataPageOffset);
    const dictionary = integer(meta, META.dictionaryPageOffset);
    const length = integer(meta, META.totalCompressedSize);
    if (data === undefined || length === undefined) return undefined;
    // A chunk starts at its dictionary page when it has one (0 written by some writers for none).
    const start = dictionary !== undefined && dictionary > 0 ? Math.min(dictionary, data) : data;
    if (start < 4 || start + length > source.footer.start) return undefined;
    return { chunk, start, length };
  }
  return undefined;
}

/** Moves an offset field (if present and set) by `delta` bytes. */
function shift(struct: ThriftStruct, id: number, delta: number): void {
  const value = integer(struct, id);
  if (value !== undefined && value > 0) setInteger(struct, id, value + delta);
}

/** `parts` one after the other in `out`, which has room for exactly them. */
function concat(parts: readonly Uint8Array[], out: Uint8Array): Uint8Array {
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
