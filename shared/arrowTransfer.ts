import { Bool, Data, Field, Float, Int, RecordBatch, Schema, Struct, Table, Timestamp, Type, Utf8, makeData, type DataType } from 'apache-arrow';

/**
 * An Arrow JS table taken apart into what `postMessage` carries (typed arrays and plain values) and
 * put back together on the other side of a worker boundary, batch for batch and buffer for buffer,
 * so that the table rebuilt there serialises to the same IPC stream as the original (decision XX).
 * Only the types the lake writes (utf8, float64, int32, timestamp, bool): anything else is left to
 * the IPC stream (`tableToTransfer` returns undefined), as is an empty table.
 */
export interface TableTransfer {
  fields: FieldTransfer[];
  metadata: Map<string, string>;
  batches: { rows: number; columns: DataTransfer[] }[];
}
interface FieldTransfer {
  name: string;
  type: TypeTransfer;
  nullable: boolean;
  metadata: Map<string, string>;
}
type TypeTransfer =
  | { id: Type.Utf8 }
  | { id: Type.Bool }
  | { id: Type.Float; precision: number }
  | { id: Type.Int; bitWidth: 8 | 16 | 32 | 64; signed: boolean }
  | { id: Type.Timestamp; unit: number; timezone: string | null };
interface DataTransfer {
  offset: number;
  length: number;
  nullCount: number;
  valueOffsets: ArrayBufferView | undefined;
  values: ArrayBufferView | undefined;
  nullBitmap: ArrayBufferView | undefined;
}

function typeTransfer(type: DataType): TypeTransfer | undefined {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.Bool:
      return { id: type.typeId };
    case Type.Float:
      return { id: Type.Float, precision: (type as Float).precision };
    case Type.Int:
      return { id: Type.Int, bitWidth: (type as Int).bitWidth, signed: (type as Int).isSigned };
    case Type.Timestamp:
      return { id: Type.Timestamp, unit: (type as Timestamp).unit, timezone: (type as Timestamp).timezone ?? null };
    default:
      return undefined;
  }
}

function typeFromTransfer(t: TypeTransfer): DataType {
  switch (t.id) {
    case Type.Utf8:
      return new Utf8();
    case Type.Bool:
      return new Bool();
    case Type.Float:
      return new Float(t.precision);
    case Type.Int:
      return new Int(t.signed, t.bitWidth);
    case Type.Timestamp:
      return new Timestamp(t.unit, t.timezone);
  }
}

/**
 * `table` as a message, and the ArrayBuffers to transfer with it: every buffer except those in
 * `borrowed` (a caller still uses them: columns passed through from a read), which are copied,
 * each view on its own, so that a small view never drags a large buffer along. Undefined when a
 * column has a type or a layout (children, a dictionary) this does not carry.
 */
export function tableToTransfer(table: Table, borrowed: ReadonlySet<ArrayBufferLike>): { message: TableTransfer; transfer: ArrayBuffer[] } | undefined {
  const fields: FieldTransfer[] = [];
  for (const f of table.schema.fields) {
    const type = typeTransfer(f.type);
    if (!type) return undefined;
    fields.push({ name: f.name, type, nullable: f.nullable, metadata: f.metadata });
  }
  const transfer = new Set<ArrayBuffer>();
  const carry = (view: ArrayBufferView | undefined): ArrayBufferView | undefined => {
    if (!view) return undefined;
    // Shared memory cannot be transferred: copied like a borrowed buffer.
    if (borrowed.has(view.buffer) || !(view.buffer instanceof ArrayBuffer)) return (view as Uint8Array).slice();
    transfer.add(view.buffer);
    return view;
  };
  const batches: TableTransfer['batches'] = [];
  for (const batch of table.batches) {
    const columns: DataTransfer[] = [];
    for (const data of batch.data.children) {
      // An empty table's batch holds Vectors, not Data, as its children: that goes as IPC.
      if (!(data instanceof Data) || data.children.length || data.dictionary) return undefined;
      columns.push({
        offset: data.offset,
        length: data.length,
        nullCount: data.nullCount,
        valueOffsets: carry(data.valueOffsets),
        values: carry(data.values),
        nullBitmap: carry(data.nullBitmap),
      });
    }
    batches.push({ rows: batch.numRows, columns });
  }
  return { message: { fields, metadata: table.schema.metadata, batches }, transfer: [...transfer] };
}

/** The table `tableToTransfer` took apart. */
export function tableFromTransfer(message: TableTransfer): Table {
  const fields = message.fields.map((f) => new Field(f.name, typeFromTransfer(f.type), f.nullable, f.metadata));
  const schema = new Schema(fields, message.metadata);
  const batches = message.batches.map((b) => {
    const children = b.columns.map(
      (c, i) =>
        new Data(fields[i].type, c.offset, c.length, c.nullCount, {
          0: c.valueOffsets,
          1: c.values,
          2: c.nullBitmap,
        } as ConstructorParameters<typeof Data>[4]),
    );
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: b.rows, nullCount: 0, children }));
  });
  return new Table(schema, batches);
}
