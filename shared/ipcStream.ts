import { AsyncByteQueue, RecordBatchStreamWriter, type Table, tableToIPC } from 'apache-arrow';

/**
 * `tableToIPC(table, 'stream')`, written into a buffer the caller passes back in: the same bytes,
 * at the start of a buffer that holds nothing else (so it can be transferred to a worker).
 * Arrow's serializer collects the stream's pieces and joins them into a new buffer; a 250k-row
 * Silver part is a 72 MB stream, and writing into fresh memory (page faults) cost 45–85 ms per part
 * against 11–24 ms into memory touched before (decision 92). The Parquet worker hands each
 * stream's buffer back once it has taken the stream in (shared/parquetEncoder.ts).
 */
export function tableToIpcInto(table: Table, buffer?: ArrayBuffer): Uint8Array {
  if (!buffer) {
    // Arrow's join: one allocation of the exact size (growing a small buffer would copy the stream
    // several times). It can hand back a view of a column's own buffer (pieces that lie back to back
    // in one buffer are not copied): copied then, since the caller transfers the whole buffer.
    const stream = tableToIPC(table, 'stream');
    return stream.byteOffset === 0 && stream.byteLength === stream.buffer.byteLength ? stream : stream.slice();
  }
  const sink = new IntoBuffer(buffer);
  // What tableToIPC does (RecordBatchStreamWriter.writeAll with `{ compressionType: null }`), but
  // into this sink: the writer keeps a sink that is an AsyncByteQueue.
  new RecordBatchStreamWriter({ compressionType: null }).reset(sink).writeAll(table);
  return sink.written();
}

/** The writer's sink: each piece copied at once (the writer may reuse its own buffers) into one buffer that grows when it must. */
class IntoBuffer extends AsyncByteQueue {
  private bytes: Uint8Array;
  private pos = 0;

  constructor(buffer: ArrayBuffer) {
    super();
    this.bytes = new Uint8Array(buffer);
  }

  override write(value: unknown): void {
    const piece = value as Uint8Array;
    const end = this.pos + piece.byteLength;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, 2 * this.bytes.length));
      grown.set(this.bytes.subarray(0, this.pos));
      this.bytes = grown;
    }
    this.bytes.set(piece, this.pos);
    this.pos = end;
  }

  written(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }
}
