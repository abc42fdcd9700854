/**
 * The Arrow C Data Interface structs parquet-wasm exports (`Table.intoFFI`), read straight from the
 * wasm memory: a record batch is a struct array whose children are the columns. wasm32 layout:
 * pointers are 4 bytes, int64 fields 8 (https://arrow.apache.org/docs/format/CDataInterface.html).
 */

/** One column of one record batch, its buffers as addresses in the wasm memory. */
export interface FfiArray {
  readonly format: string;
  readonly length: number;
  /** -1 when the exporter did not count (read the bitmap then). */
  readonly nullCount: number;
  readonly offset: number;
  /** Buffer addresses (0 = absent): [validity, values] or, for utf8, [validity, offsets, bytes]. */
  readonly buffers: readonly number[];
  /** A dictionary-encoded column (its buffers are the codes). */
  readonly dictionary: boolean;
}

/** What `ArrowSchema.name` and `format` say of each child of the exported struct. */
export interface FfiField {
  readonly name: string;
  readonly format: string;
}

const decoder = new TextDecoder();

function cString(memory: Uint8Array, addr: number): string {
  if (addr === 0) return '';
  let end = addr;
  while (memory[end] !== 0) end++;
  return decoder.decode(memory.subarray(addr, end));
}

/** Low 32 bits of an int64 field, checked to fit (lengths and counts here are below 2^31). */
function int64At(view: DataView, addr: number): number {
  const low = view.getUint32(addr, true);
  const high = view.getInt32(addr + 4, true);
  if (high === -1 && low >= 0x80000000) return low - 0x1_0000_0000;
  if (high !== 0 || low > 0x7fffffff) throw new Error(`Arrow C data: int64 field at ${addr} out of range`);
  return low;
}

/** The children of the struct schema at `schemaAddr`: one field per column. */
export function ffiFields(memory: ArrayBuffer, schemaAddr: number): FfiField[] {
  const view = new DataView(memory);
  const bytes = new Uint8Array(memory);
  const n = int64At(view, schemaAddr + 24);
  const children = view.getUint32(schemaAddr + 32, true);
  const fields: FfiField[] = [];
  for (let i = 0; i < n; i++) {
    const child = view.getUint32(children + 4 * i, true);
    fields.push({ format: cString(bytes, view.getUint32(child, true)), name: cString(bytes, view.getUint32(child + 4, true)) });
  }
  return fields;
}

/** The columns of the struct array (one record batch) at `arrayAddr`, in field order. */
export function ffiColumns(memory: ArrayBuffer, arrayAddr: number, fields: readonly FfiField[]): { rows: number; columns: FfiArray[] } {
  const view = new DataView(memory);
  const rows = int64At(view, arrayAddr);
  const n = int64At(view, arrayAddr + 32);
  if (n !== fields.length) throw new Error(`Arrow C data: a batch has ${n} columns, its schema ${fields.length}`);
  const children = view.getUint32(arrayAddr + 44, true);
  const columns: FfiArray[] = [];
  for (let i = 0; i < n; i++) {
    const a = view.getUint32(children + 4 * i, true);
    const nBuffers = int64At(view, a + 24);
    const bufferList = view.getUint32(a + 40, true);
    const buffers: number[] = [];
    for (let b = 0; b < nBuffers; b++) buffers.push(view.getUint32(bufferList + 4 * b, true));
    columns.push({
      format: fields[i].format,
      length: int64At(view, a),
      nullCount: int64At(view, a + 8),
      offset: int64At(view, a + 16),
      buffers,
      dictionary: view.getUint32(a + 48, true) !== 0,
    });
  }
  return { rows, columns };
}
