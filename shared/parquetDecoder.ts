import { makeVector } from 'apache-arrow';
import { decodeParquetColumns, type ArrowColumn, type Batch, type ColumnData, type TableSpec } from './parquet';
import type { DecodeReply, DecodeRequest } from './parquetDecodeWorker';
import { dataOfChunk } from './ffiBatch';
import { bundledWorkerUrl, WorkerJobs } from './workerJobs';
import { BadInputError } from './errors';

/**
 * Parquet decoding (`decodeParquetColumns`) on a worker thread, for a step that reads the next part
 * while it works on the current one (`readCommittedAhead` in shared/lake.ts): `parse` spent about a
 * fifth of its main thread decoding Bronze in wasm, on the core the encoding worker leaves free
 * half the time. Columns kept as Arrow come back as their buffers, transferred (not copied), and
 * are rebuilt with the same types; a layout those buffers cannot carry is decoded on the calling
 * thread. The bundle (dist/) ships the worker as parquetDecodeWorker.mjs; run from TypeScript
 * sources, or with SENTINEL_PARQUET_WORKER=0, decoding stays on the calling thread, same result.
 */
export class ParquetDecoder {
  private readonly jobs: WorkerJobs<DecodeReply> | undefined;
  /** Buffers of kept columns that came from the worker: only these go back to it (`release`). */
  private readonly fromWorker = new WeakSet<ArrayBuffer>();
  /** Released buffers, handed to the worker with the next request. */
  private released: ArrayBuffer[] = [];

  constructor(workerUrl?: URL) {
    this.jobs = workerUrl && new WorkerJobs<DecodeReply>(workerUrl, 'Parquet decoding');
  }

  /** The process-wide decoder: a worker when the bundled worker file sits beside this code. */
  static shared(): ParquetDecoder {
    sharedDecoder ??= new ParquetDecoder(bundledWorkerUrl('parquetDecodeWorker.mjs'));
    return sharedDecoder;
  }

  get usesWorker(): boolean {
    return this.jobs !== undefined;
  }

  /** Starts the worker thread now, so that a job posted a little later finds it loaded. Without a worker, nothing to do. */
  warmUp(): void {
    this.jobs?.warmUp();
  }

  /** `decodeParquetColumns(spec, bytes, source, only, arrow)`, on the worker when there is one. */
  async decode(spec: TableSpec, bytes: Uint8Array, source: string, only: readonly string[] | undefined, arrow: readonly string[] = []): Promise<Batch> {
    // The bytes are copied, not transferred: they stay here for a layout the worker hands back.
    return (await this.decodeWith(spec, bytes, source, only, arrow, false)).batch;
  }

  /**
   * `decode` for bytes whose buffer the caller owns (not a store's own object): the buffer is
   * transferred to the worker and comes back with its reply, instead of being copied into a
   * message, a new ~5 MB per Bronze part on each thread. `bytes` is detached from the call on:
   * read the returned `bytes`, a view of the same memory.
   */
  decodeHandingBack(
    spec: TableSpec,
    bytes: Uint8Array,
    source: string,
    only: readonly string[] | undefined,
    arrow: readonly string[] = [],
  ): Promise<{ batch: Batch; bytes: Uint8Array }> {
    return this.decodeWith(spec, bytes, source, only, arrow, true);
  }

  private async decodeWith(
    spec: TableSpec,
    input: Uint8Array,
    source: string,
    only: readonly string[] | undefined,
    arrow: readonly string[],
    handBack: boolean,
  ): Promise<{ batch: Batch; bytes: Uint8Array }> {
    if (!this.jobs) return { batch: await decodeParquetColumns(spec, input, source, only, arrow), bytes: input };
    const recycled = this.released;
    this.released = [];
    const transfer = handBack ? [...recycled, input.buffer as ArrayBuffer] : recycled;
    const reply = await this.jobs.run((id) => ({ id, spec, bytes: input, source, only, arrow, recycled, handBack }) satisfies DecodeRequest, transfer);
    const bytes = handBack ? reply.bytes! : input;
    if ('error' in reply) throw reply.badInput ? new BadInputError(reply.error) : new Error(`Parquet decoding failed in the worker thread: ${reply.error}`);
    if ('elsewhere' in reply) return { batch: await decodeParquetColumns(spec, bytes, source, only, arrow), bytes };
    const kept: Record<string, ArrowColumn> = {};
    for (const [name, chunks] of Object.entries(reply.arrow)) {
      for (const c of chunks) for (const view of [c.nullBitmap, c.valueOffsets, c.values]) if (view) this.fromWorker.add(view.buffer as ArrayBuffer);
      kept[name] = makeVector(chunks.map((c) => dataOfChunk(spec.columns.find((s) => s.name === name)!, c)));
    }
    return { batch: { rows: reply.rows, columns: reply.columns as Record<string, ColumnData>, ...(arrow.length ? { arrow: kept } : {}) }, bytes };
  }

  /** Released buffers not yet handed back are dropped (a reader that reuses parts is done: no next request may come). */
  dropReleased(): void {
    this.released = [];
  }

  /**
   * The caller is done with `batch`: nothing reads its kept columns again (not even a view or a
   * slice of them). Their buffers go back to the worker with the next request, and a later part is
   * copied into them. Buffers that did not come from the worker are left alone.
   */
  release(batch: Batch): void {
    if (!this.jobs) return;
    const seen = new Set<ArrayBuffer>();
    for (const vector of Object.values(batch.arrow ?? {}))
      for (const data of vector.data)
        for (const view of [data.nullBitmap, data.valueOffsets, data.values] as (ArrayBufferView | undefined)[]) {
          const buffer = view?.buffer as ArrayBuffer | undefined;
          if (buffer && this.fromWorker.has(buffer) && !seen.has(buffer) && buffer.byteLength > 0) {
            seen.add(buffer);
            this.fromWorker.delete(buffer);
            this.released.push(buffer);
          }
        }
  }
}

let sharedDecoder: ParquetDecoder | undefined;
