import { Bool, type Data, Float64, Int32, TimestampMillisecond, Utf8, type Vector, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import type { Batch, ColumnData, ColumnType, TableSpec, WritableBatch } from './parquet';
import { writeUtf8 } from './utf8Column';

/**
 * Collects rows (plain objects keyed by column name) into columnar batches of at most `maxRows`,
 * so steps can stream a partition of any size with bounded memory.
 */
export class BatchBuilder<Row extends object = Record<string, unknown>> {
  private columns: Record<string, unknown[]> = {};
  private count = 0;

  constructor(
    private readonly spec: TableSpec,
    private readonly maxRows: number,
  ) {
    this.reset();
  }

  private reset() {
    this.columns = Object.fromEntries(this.spec.columns.map((c) => [c.name, []]));
    this.count = 0;
  }

  get rows(): number {
    return this.count;
  }

  /** Adds a row; returns a full batch when `maxRows` is reached. */
  push(row: Row): Batch | undefined {
    for (const c of this.spec.columns) this.columns[c.name].push((row as Record<string, unknown>)[c.name] ?? null);
    this.count++;
    return this.count >= this.maxRows ? this.flush() : undefined;
  }

  flush(): Batch {
    const batch: Batch = { rows: this.count, columns: this.columns as Record<string, ColumnData> };
    this.reset();
    return batch;
  }
}

/** Row i of a batch as an object (for small tables and tests). */
export function batchRow(batch: Batch, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(batch.columns)) row[name] = values[i];
  return row;
}

export function batchRows(batch: Batch): Record<string, unknown>[] {
  return Array.from({ length: batch.rows }, (_, i) => batchRow(batch, i));
}

/**
 * Like BatchBuilder, but each value goes into its column's Arrow buffers as it is pushed (strings
 * encoded to UTF-8 at once, numbers into typed arrays), and `flush` returns Arrow vectors the
 * Parquet writer takes as they are. Rows then die young: 250k rows of strings held until a part
 * was full were promoted to the old generation, and collecting them was a fifth of `ingest`.
 * Values written are the same as BatchBuilder's (null/undefined/NaN numbers → null).
 */
export class ColumnBatchBuilder<Row extends object = Record<string, unknown>> {
  private readonly columns: ColumnBuffer[];
  private count = 0;

  constructor(
    spec: TableSpec,
    private readonly maxRows: number,
    /** Rows to reserve space for at first (grows as needed). */
    initialRows = Math.min(maxRows, 65_536),
    options: ColumnBatchOptions = {},
  ) {
    this.columns = spec.columns.map((c) => newColumnBuffer(c.name, c.type, initialRows, options.lendBuffers ?? false));
  }

  get rows(): number {
    return this.count;
  }

  push(row: Row): WritableBatch | undefined {
    const r = row as Record<string, unknown>;
    const i = this.count;
    for (const c of this.columns) c.set(i, r[c.name]);
    this.count++;
    return this.count >= this.maxRows ? this.flush() : undefined;
  }

  /** A column's position, for the setters below: ingest's byte path writes a row value by value. */
  columnIndex(name: string): number {
    const col = this.columns.findIndex((c) => c.name === name);
    if (col < 0) throw new Error(`no column "${name}" in this batch`);
    return col;
  }

  /** Sets a utf8 column of the current row to the UTF-8 bytes src[start, end) (well-formed UTF-8). */
  setBytes(col: number, src: Uint8Array, start: number, end: number): void {
    (this.columns[col] as Utf8Buffer).setBytes(this.count, src, start, end);
  }

  /** Sets a column of the current row to a value, as `push` would. */
  setValue(col: number, value: unknown): void {
    this.columns[col].set(this.count, value);
  }

  /** Ends a row whose every column was set; returns a full batch when `maxRows` is reached. */
  endRow(): WritableBatch | undefined {
    this.count++;
    return this.count >= this.maxRows ? this.flush() : undefined;
  }

  flush(): WritableBatch {
    const n = this.count;
    const columns: Record<string, Vector> = {};
    for (const c of this.columns) columns[c.name] = c.take(n);
    this.count = 0;
    return { rows: n, columns };
  }
}

export interface ColumnBatchOptions {
  /**
   * A batch's string and float columns are views of the builder's own buffers instead of copies:
   * valid only until the next value is written. For a caller that serializes each batch at once
   * (ingest: PartitionWriter.write turns it into the Arrow IPC stream before it returns), which
   * saves copying and allocating ~40 MB per 250k-row Bronze part (decision 92).
   */
  lendBuffers?: boolean;
}

interface ColumnBuffer {
  readonly name: string;
  set(i: number, value: unknown): void;
  /** The first `n` values as a vector; the buffer starts over. */
  take(n: number): Vector;
}

function newColumnBuffer(name: string, type: ColumnType, capacity: number, lend: boolean): ColumnBuffer {
  switch (type) {
    case 'utf8':
      return new Utf8Buffer(name, capacity, lend);
    case 'float64':
    case 'timestamp_ms':
    case 'int32':
      return new NumberBuffer(name, type, capacity, lend);
    case 'bool':
      return new BoolBuffer(name);
  }
}

/** Validity bits, one per row (Arrow's layout: bit i of byte i >> 3). */
class Validity {
  bits: Uint8Array;
  nulls = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8));
  }
  grow(capacity: number) {
    const bytes = Math.ceil(capacity / 8);
    if (bytes <= this.bits.length) return;
    const grown = new Uint8Array(Math.max(bytes, this.bits.length * 2));
    grown.set(this.bits);
    this.bits = grown;
  }
  set(i: number, valid: boolean) {
    if (valid) this.bits[i >> 3] |= 1 << (i & 7);
    else this.nulls++;
  }
  /** The bitmap of the first n rows (null when every row is valid, as Arrow's builders leave it). */
  take(n: number): Uint8Array | null {
    const out = this.nulls ? this.bits.slice(0, Math.ceil(n / 8)) : null;
    this.bits.fill(0);
    this.nulls = 0;
    return out;
  }
}

class Utf8Buffer implements ColumnBuffer {
  private offsets: Int32Array;
  private bytes: Uint8Array;
  private readonly validity: Validity;
  private pos = 0;

  constructor(
    readonly name: string,
    capacity: number,
    private readonly lend: boolean,
  ) {
    this.offsets = new Int32Array(capacity + 1);
    this.bytes = new Uint8Array(capacity * 16);
    this.validity = new Validity(capacity);
  }

  private growOffsets(i: number) {
    if (i + 1 >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
      this.validity.grow(grown.length);
    }
  }

  private reserve(bytes: number) {
    if (this.pos + bytes > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + bytes));
      grown.set(this.bytes.subarray(0, this.pos));
      this.bytes = grown;
    }
  }

  /** The same bytes `set` writes for the string these bytes decode to. */
  setBytes(i: number, src: Uint8Array, start: number, end: number) {
    this.growOffsets(i);
    this.validity.set(i, true);
    const n = end - start;
    this.reserve(n);
    // A copy loop for short values: a subarray per value costs more than the bytes (ids, levels).
    if (n <= 32) for (let k = start; k < end; k++) this.bytes[this.pos++] = src[k];
    else {
      // A plain Uint8Array view, not `src.subarray`: on a Buffer that makes a Buffer (FastBuffer),
      // about twice the cost per value (1M messages: ~60 ms).
      this.bytes.set(new Uint8Array(src.buffer, src.byteOffset + start, n), this.pos);
      this.pos += n;
    }
    this.offsets[i + 1] = this.pos;
  }

  set(i: number, value: unknown) {
    this.growOffsets(i);
    if (value !== null && value !== undefined) {
      const s = value as string;
      this.validity.set(i, true);
      this.reserve(s.length * 3); // UTF-16 → UTF-8 takes at most 3 bytes per code unit
      this.pos = writeUtf8(s, this.bytes, this.pos);
    } else this.validity.set(i, false);
    this.offsets[i + 1] = this.pos;
  }

  take(n: number): Vector {
    const nullBitmap = this.validity.take(n);
    const data = makeData({
      type: new Utf8(),
      length: n,
      nullCount: nullBitmap ? countNulls(nullBitmap, n) : 0,
      nullBitmap,
      valueOffsets: this.lend ? this.offsets.subarray(0, n + 1) : this.offsets.slice(0, n + 1),
      data: this.lend ? this.bytes.subarray(0, this.pos) : this.bytes.slice(0, this.pos),
    });
    this.pos = 0;
    return makeVector(data);
  }
}

/** float64, int32 and timestamp_ms (stored as int64 milliseconds). */
class NumberBuffer implements ColumnBuffer {
  private values: Float64Array;
  private readonly validity: Validity;

  constructor(
    readonly name: string,
    private readonly type: 'float64' | 'int32' | 'timestamp_ms',
    capacity: number,
    private readonly lend: boolean,
  ) {
    this.values = new Float64Array(capacity);
    this.validity = new Validity(capacity);
  }

  set(i: number, value: unknown) {
    if (i >= this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
      this.validity.grow(grown.length);
    }
    const valid = typeof value === 'number' && !Number.isNaN(value);
    this.values[i] = valid ? value : 0;
    this.validity.set(i, valid);
  }

  take(n: number): Vector {
    const nullBitmap = this.validity.take(n);
    const nullCount = nullBitmap ? countNulls(nullBitmap, n) : 0;
    const values = this.values.subarray(0, n);
    let data: Data;
    if (this.type === 'float64') data = makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: this.lend ? values : values.slice() });
    else if (this.type === 'int32') data = makeData({ type: new Int32(), length: n, nullCount, nullBitmap, data: Int32Array.from(values) });
    else {
      // Whole milliseconds in int64, written as two 32-bit halves: no BigInt per value.
      const halves = new Uint32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const v = Math.trunc(values[i]);
        const high = Math.floor(v / 4_294_967_296);
        halves[2 * i] = v - high * 4_294_967_296;
        halves[2 * i + 1] = high;
      }
      data = makeData({ type: new TimestampMillisecond(), length: n, nullCount, nullBitmap, data: new BigInt64Array(halves.buffer) });
    }
    return makeVector(data);
  }
}

class BoolBuffer implements ColumnBuffer {
  private values: (boolean | null)[] = [];
  constructor(readonly name: string) {}
  set(i: number, value: unknown) {
    this.values[i] = (value as boolean | null | undefined) ?? null;
  }
  take(n: number): Vector {
    const out = vectorFromArray(this.values.slice(0, n), new Bool());
    this.values = [];
    return out;
  }
}

function countNulls(bitmap: Uint8Array, n: number): number {
  let valid = 0;
  for (let i = 0; i < n; i++) valid += (bitmap[i >> 3] >> (i & 7)) & 1;
  return n - valid;
}
