/**
 * Worker thread entry (bundled as dist/parquetDecodeWorker.mjs): Parquet bytes in, the columns a
 * read keeps as Arrow out, as their buffers. See shared/parquetDecoder.ts.
 */
import { parentPort } from 'node:worker_threads';
import { Type, type Vector } from 'apache-arrow';
import { BadInputError } from './errors';
import { decodeParquetColumns, type ColumnSpec, type TableSpec } from './parquet';
import { copyKeptChunksInto, type ChunkBuffers } from './ffiBatch';
import { BufferPool } from './bufferPool';
import { fullCollection } from './fullCollection';

export interface DecodeRequest {
  id: number;
  spec: TableSpec;
  bytes: Uint8Array;
  source: string;
  only: readonly string[] | undefined;
  arrow: readonly string[];
  /** Buffers of earlier replies the caller no longer reads: kept columns are copied into them (see pool). */
  recycled?: ArrayBuffer[];
  /** `bytes`' buffer was transferred, not copied: every reply transfers it back as `bytes` (ParquetDecoder.decodeHandingBack). */
  handBack?: boolean;
}
export type DecodeReply = (
  | { id: number; rows: number; columns: Record<string, unknown>; arrow: Record<string, ChunkBuffers[]> }
  /** A layout the buffers cannot carry (another writer's types): the caller decodes on its own thread. */
  | { id: number; elsewhere: true }
  | { id: number; error: string; badInput: boolean }
) & { bytes?: Uint8Array };

/** The Arrow type id each spec type is kept as (shared/ffiBatch.ts); anything else is decoded by the caller. */
const KEPT_TYPE: Record<ColumnSpec['type'], Type | undefined> = {
  utf8: Type.Utf8,
  float64: Type.Float,
  int32: Type.Int,
  timestamp_ms: Type.Timestamp,
  bool: undefined,
};

/** The chunks of a kept vector as buffers, or undefined when one is not the plain layout of its type. */
function chunksOf(spec: ColumnSpec, vector: Vector): ChunkBuffers[] | undefined {
  const out: ChunkBuffers[] = [];
  for (const data of vector.data) {
    if (data.typeId !== KEPT_TYPE[spec.type] || data.offset !== 0 || data.children.length > 0 || data.dictionary) return undefined;
    if (spec.type === 'timestamp_ms' && (data.type as { unit: number; timezone?: string | null }).timezone) return undefined;
    out.push({
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullCount > 0 ? (data.nullBitmap ?? null) : null,
      valueOffsets: spec.type === 'utf8' ? (data.valueOffsets as Int32Array) : null,
      values: data.values as ChunkBuffers['values'],
    });
  }
  // No chunk at all leaves no type to rebuild the vector with.
  return out.length ? out : undefined;
}

/**
 * The buffers kept columns are copied into: those the caller handed back, so that a part's columns
 * are written into the memory of a part it is done with, not into new memory that only the garbage
 * collectors of two threads free (decision 99). At most one part's buffers (Bronze's 13 columns
 * in two record batches: up to 78), those of the last hand-back.
 */
const pool = new BufferPool(160);
if (parentPort) copyKeptChunksInto(pool);

/**
 * A full collection of this thread's heap, run after each reply. Every part leaves ~11 MB of dead
 * ArrayBuffers here (the request's copy of the part's bytes, the column chunks parquet-wasm reads
 * from the Blob), and this thread allocates almost nothing on its heap, so V8 collects only when
 * external memory has grown by its soft limit (64 MB): at 10M logs the thread's ArrayBuffers
 * cycled between 50 and 145 MB, and parse's steady RSS was ~100 MB above what it was at 1M. The
 * heap is ~10 MB, so a collection is a few ms, off the main thread (decision 102). A minor
 * collection does not free them.
 */
const collectGarbage = parentPort ? fullCollection() : () => undefined;

parentPort?.on('message', async ({ id, spec, bytes, source, only, arrow, recycled, handBack }: DecodeRequest) => {
  if (recycled?.length) pool.replace(recycled);
  // The caller's bytes go back to it with whatever the reply is.
  const back = handBack ? { bytes } : {};
  const backTransfer = handBack ? [bytes.buffer as ArrayBuffer] : [];
  try {
    const batch = await decodeParquetColumns(spec, bytes, source, only, arrow);
    const kept: Record<string, ChunkBuffers[]> = {};
    for (const [name, vector] of Object.entries(batch.arrow ?? {})) {
      const chunks = chunksOf(spec.columns.find((c) => c.name === name)!, vector);
      if (!chunks) {
        parentPort!.postMessage({ id, elsewhere: true, ...back } satisfies DecodeReply, backTransfer);
        return;
      }
      kept[name] = chunks;
    }
    // Transferred, not copied: each buffer once (a read through IPC can share one between columns).
    const transfer = new Set<ArrayBuffer>();
    for (const chunks of Object.values(kept))
      for (const c of chunks) for (const b of [c.nullBitmap, c.valueOffsets, c.values]) if (b && b.buffer instanceof ArrayBuffer) transfer.add(b.buffer);
    for (const column of Object.values(batch.columns)) if (ArrayBuffer.isView(column) && column.buffer instanceof ArrayBuffer) transfer.add(column.buffer);
    const reply = { id, rows: batch.rows, columns: batch.columns, arrow: kept, ...back } satisfies DecodeReply;
    try {
      parentPort!.postMessage(reply, [...transfer, ...backTransfer]);
    } catch {
      parentPort!.postMessage(reply, backTransfer); // a buffer that cannot be detached (none expected): copied instead
    }
    collectGarbage();
  } catch (err) {
    parentPort!.postMessage(
      { id, error: (err as Error).message ?? String(err), badInput: err instanceof BadInputError, ...back } satisfies DecodeReply,
      backTransfer,
    );
  }
});
