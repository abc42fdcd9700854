/**
 * A generic reader and writer of Thrift's compact protocol, for Parquet's footer (FileMetaData)
 * and page indexes: shared/parquet/spliceParts.ts rewrites a few offsets in them and must write
 * back every other field as it was, including fields of Parquet versions newer than this code
 * (size statistics, geospatial statistics, ...). So a struct is kept as its fields in order, each
 * with its wire type and value, and nothing is interpreted here. i64 values are bigints: file
 * offsets fit in a double, but a field read is written back bit for bit whatever it holds.
 */

/** Compact protocol wire types (a bool's value is its type in a field header: TRUE or FALSE). */
export enum WireType {
  Stop = 0,
  True = 1,
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
  Uuid = 13,
}

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftList | ThriftMap | ThriftStruct;
export interface ThriftList {
  readonly kind: 'list';
  /** List or Set (written back as read). */
  readonly wire: WireType.List | WireType.Set;
  readonly elementType: WireType;
  readonly items: ThriftValue[];
}
export interface ThriftMap {
  readonly kind: 'map';
  readonly keyType: WireType;
  readonly valueType: WireType;
  readonly entries: [ThriftValue, ThriftValue][];
}
export interface ThriftField {
  readonly id: number;
  /** The wire type; for a bool, True or False as read (the value decides when written). */
  type: WireType;
  value: ThriftValue;
}
export interface ThriftStruct {
  readonly kind: 'struct';
  fields: ThriftField[];
}

/** A struct read from `bytes` at `offset`; `end` is where it stopped (Parquet's page headers and footers follow one another). */
export function readStruct(bytes: Uint8Array, offset = 0): { struct: ThriftStruct; end: number } {
  const reader = new CompactReader(bytes, offset);
  const struct = reader.struct();
  return { struct, end: reader.pos };
}

export function writeStruct(struct: ThriftStruct): Uint8Array {
  const writer = new CompactWriter();
  writer.struct(struct);
  return writer.bytes();
}

/** The field `id` of a struct, or undefined. */
export function field(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.fields.find((f) => f.id === id);
}

/** Sets an integer field that the struct already has to `value`, keeping its wire type (i32 or i64). */
export function setInteger(struct: ThriftStruct, id: number, value: number): void {
  const f = field(struct, id);
  if (!f) throw new Error(`Thrift struct has no field ${id} to set`);
  f.value = f.type === WireType.I64 ? BigInt(value) : value;
}

/** Sets a field, adding it in id order when absent. */
export function setField(struct: ThriftStruct, id: number, type: WireType, value: ThriftValue): void {
  const existing = field(struct, id);
  if (existing) {
    existing.type = type;
    existing.value = value;
    return;
  }
  struct.fields.push({ id, type, value });
  struct.fields.sort((a, b) => a.id - b.id);
}

/** A copy of a struct deep enough to change its and its nested structs' fields (bytes are shared, never written). */
export function copyStruct(struct: ThriftStruct): ThriftStruct {
  return { kind: 'struct', fields: struct.fields.map((f) => ({ id: f.id, type: f.type, value: copyValue(f.value) })) };
}

function copyValue(value: ThriftValue): ThriftValue {
  if (typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (value.kind === 'struct') return copyStruct(value);
  if (value.kind === 'list') return { ...value, items: value.items.map(copyValue) };
  return { ...value, entries: value.entries.map(([k, v]) => [copyValue(k), copyValue(v)] as [ThriftValue, ThriftValue]) };
}

/** An integer field as a number (i64 offsets and sizes of a Parquet file fit in a double). */
export function integer(struct: ThriftStruct, id: number): number | undefined {
  const v = field(struct, id)?.value;
  return v === undefined ? undefined : Number(v as number | bigint);
}

class CompactReader {
  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.buf.length) throw new Error('Thrift compact data ends early');
    return this.buf[this.pos++];
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('Thrift varint too long');
    }
  }

  /** A varint that fits in 32 bits (lengths, sizes, i16/i32 before zigzag). */
  private varint32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error('Thrift varint too long');
    }
  }

  private zigzag32(): number {
    const n = this.varint32();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  private zigzag64(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  struct(): ThriftStruct {
    const fields: ThriftField[] = [];
    let last = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === WireType.Stop) return { kind: 'struct', fields };
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag32() : last + delta;
      last = id;
      const value = type === WireType.True ? true : type === WireType.False ? false : this.value(type);
      fields.push({ id, type, value });
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case WireType.True:
      case WireType.False:
        // Inside a list or map: a byte of its own, 1 for true (some writers write 0 or 2 for false).
        return this.byte() === WireType.True;
      case WireType.Byte: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case WireType.I16:
      case WireType.I32:
        return this.zigzag32();
      case WireType.I64:
        return this.zigzag64();
      case WireType.Double: {
        const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case WireType.Binary: {
        const n = this.varint32();
        if (this.pos + n > this.buf.length) throw new Error('Thrift compact data ends early');
        const v = this.buf.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case WireType.Uuid: {
        const v = this.buf.slice(this.pos, this.pos + 16);
        this.pos += 16;
        return v;
      }
      case WireType.List:
      case WireType.Set: {
        const header = this.byte();
        const elementType = header & 0x0f;
        const size = header >> 4 === 0x0f ? this.varint32() : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(elementType));
        return { kind: 'list', wire: type, elementType, items };
      }
      case WireType.Map: {
        const size = this.varint32();
        const types = size ? this.byte() : 0;
        const keyType = types >> 4;
        const valueType = types & 0x0f;
        const entries: [ThriftValue, ThriftValue][] = [];
        for (let i = 0; i < size; i++) entries.push([this.value(keyType), this.value(valueType)]);
        return { kind: 'map', keyType, valueType, entries };
      }
      case WireType.Struct:
        return this.struct();
      default:
        throw new Error(`unknown Thrift compact type ${type}`);
    }
  }
}

class CompactWriter {
  private buf = new Uint8Array(4096);
  private pos = 0;

  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b & 0xff;
  }

  private varint(n: bigint): void {
    while (n >= 0x80n) {
      this.byte(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.byte(Number(n));
  }

  private zigzag32(n: number): void {
    this.varint(BigInt(n >= 0 ? 2 * n : -2 * n - 1));
  }

  private zigzag64(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }

  struct(struct: ThriftStruct): void {
    let last = 0;
    for (const f of struct.fields) {
      const type = f.type === WireType.True || f.type === WireType.False ? (f.value ? WireType.True : WireType.False) : f.type;
      const delta = f.id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.zigzag32(f.id);
      }
      last = f.id;
      if (type !== WireType.True && type !== WireType.False) this.value(type, f.value);
    }
    this.byte(WireType.Stop);
  }

  private value(type: WireType, value: ThriftValue): void {
    switch (type) {
      case WireType.True:
      case WireType.False:
        this.byte(value ? WireType.True : WireType.False);
        return;
      case WireType.Byte:
        this.byte(value as number);
        return;
      case WireType.I16:
      case WireType.I32:
        this.zigzag32(value as number);
        return;
      case WireType.I64:
        this.zigzag64(BigInt(value as bigint | number));
        return;
      case WireType.Double: {
        this.ensure(8);
        new DataView(this.buf.buffer, this.pos, 8).setFloat64(0, value as number, true);
        this.pos += 8;
        return;
      }
      case WireType.Binary: {
        const v = value as Uint8Array;
        this.varint(BigInt(v.length));
        this.ensure(v.length);
        this.buf.set(v, this.pos);
        this.pos += v.length;
        return;
      }
      case WireType.Uuid: {
        this.ensure(16);
        this.buf.set(value as Uint8Array, this.pos);
        this.pos += 16;
        return;
      }
      case WireType.List:
      case WireType.Set: {
        const list = value as ThriftList;
        const n = list.items.length;
        if (n < 15) this.byte((n << 4) | list.elementType);
        else {
          this.byte(0xf0 | list.elementType);
          this.varint(BigInt(n));
        }
        for (const item of list.items) this.value(list.elementType, item);
        return;
      }
      case WireType.Map: {
        const map = value as ThriftMap;
        this.varint(BigInt(map.entries.length));
        if (map.entries.length) this.byte((map.keyType << 4) | map.valueType);
        for (const [k, v] of map.entries) {
          this.value(map.keyType, k);
          this.value(map.valueType, v);
        }
        return;
      }
      case WireType.Struct:
        this.struct(value as ThriftStruct);
        return;
      default:
        throw new Error(`unknown Thrift compact type ${type}`);
    }
  }
}
