import { Utf8, makeData, makeVector, type Vector } from 'apache-arrow';

const encoder = new TextEncoder();

/**
 * Strings given as one code per row into a table of distinct values → an Arrow utf8 vector, the
 * same as the writers build from the strings themselves (shared/parquet.ts), but each distinct
 * value is encoded to UTF-8 once and its bytes copied per row. For columns with few distinct
 * values and a row per log line (`parse`'s template id and template): encoding every row was a
 * call into the encoder per row.
 */
export class CodedUtf8Column {
  private readonly values: string[] = [];
  private readonly codes = new Map<string, number>();
  private readonly encoded: Uint8Array[] = [];
  /** With `lend`: the buffers of the last vector, written over by the next one (see the constructor). */
  private offsetsBuffer = new Int32Array(0);
  private bytesBuffer = new Uint8Array(0);

  /**
   * `lend`: each `vector` is written into the buffers of the one before (grown when too small), so
   * it is valid only until the next call: for a caller that serializes each vector before it builds
   * the next (parse, a Silver part at a time). New buffers per part were ~15 MB of garbage (decision 99).
   */
  constructor(private readonly lend = false) {}

  /** The code of `value`, given on first sight. */
  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
      this.encoded.push(encoder.encode(value));
    }
    return code;
  }

  /** The vector of the rows whose codes are `rows` (no nulls). */
  vector(rows: Int32Array): Vector {
    const n = rows.length;
    const offsets = this.lend ? this.lent(n + 1) : new Int32Array(n + 1);
    offsets[0] = 0;
    let size = 0;
    for (let i = 0; i < n; i++) {
      size += this.encoded[rows[i]].length;
      offsets[i + 1] = size;
    }
    const bytes = this.lend ? this.lentBytes(Math.max(64, size)) : new Uint8Array(Math.max(64, size));
    for (let i = 0; i < n; i++) {
      const value = this.encoded[rows[i]];
      const at = offsets[i];
      // Short values (ids) copy faster by hand than through `set`.
      if (value.length <= 16) for (let b = 0; b < value.length; b++) bytes[at + b] = value[b];
      else bytes.set(value, at);
    }
    return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, nullBitmap: null, valueOffsets: offsets, data: bytes.subarray(0, size) }));
  }

  /** `length` offsets in the lent buffer (an eighth more room when it grows: parts differ a little). */
  private lent(length: number): Int32Array {
    if (this.offsetsBuffer.length < length) this.offsetsBuffer = new Int32Array(length + (length >> 3));
    return this.offsetsBuffer.subarray(0, length);
  }

  private lentBytes(length: number): Uint8Array {
    if (this.bytesBuffer.length < length) this.bytesBuffer = new Uint8Array(length + (length >> 3));
    return this.bytesBuffer.subarray(0, length);
  }
}
