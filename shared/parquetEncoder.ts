import { arrowStreamToParquet, plainColumns, toArrowTable, type TableSpec, type WritableBatch } from './parquet';
import type { EncodeReply, EncodeRequest, SpareBuffer } from './parquetWorker';
import { bundledWorkerUrl, WorkerJobs } from './workerJobs';
import { tableToIpcInto } from './ipcStream';

/**
 * Stream buffers kept for reuse. The worker hands a stream's buffer back as soon as it has taken
 * the stream into wasm memory, long before the next part is serialized: one buffer is enough, and a
 * second one kept was a whole part's stream (72 MB for 250k Silver rows) of resident memory more.
 */
const SPARE_BUFFERS = 1;
/** Smaller streams are not worth keeping: their memory is cheap, and a part too big for a buffer grows out of it by copying. */
const MIN_SPARE_BYTES = 1 << 20;

/**
 * Parquet encoding with its wasm half (encodings, ZSTD: about half of encoding a part) on a worker
 * thread, so a step mines or parses its next batch on one core while the other compresses the last
 * one. The bundle (dist/) ships the worker as parquetWorker.mjs; run from TypeScript sources, or
 * with SENTINEL_PARQUET_WORKER=0, encoding stays on the calling thread with identical output.
 */
export class ParquetEncoder {
  private readonly jobs: WorkerJobs<EncodeReply> | undefined;
  /** IPC stream buffers the worker handed back (or this thread used), written into again: see tableToIpcInto. */
  private readonly spare: ArrayBuffer[] = [];

  constructor(workerUrl?: URL) {
    this.jobs = workerUrl && new WorkerJobs<EncodeReply>(workerUrl, 'Parquet encoding', (notice) => this.keep((notice as SpareBuffer).spare));
  }

  /** The process-wide encoder: a worker when the bundled worker file sits beside this code. */
  static shared(): ParquetEncoder {
    sharedEncoder ??= new ParquetEncoder(bundledWorkerUrl('parquetWorker.mjs'));
    return sharedEncoder;
  }

  get usesWorker(): boolean {
    return this.jobs !== undefined;
  }

  /**
   * Starts the worker and has it encode an empty part of `spec`, so that its start-up (the thread,
   * the module, compiling the wasm functions a write calls) runs now, while the caller waits for its
   * first input, rather than on the second core while the first part's successor is being built.
   * Without a worker, nothing to do.
   */
  warmUp(spec: TableSpec): void {
    if (!this.jobs) return;
    this.encode(spec, { rows: 0, columns: Object.fromEntries(spec.columns.map((c) => [c.name, []])) }).catch(() => undefined); // a real part reports any failure
  }

  async encode(spec: TableSpec, batch: WritableBatch): Promise<Uint8Array> {
    // The largest spare buffer: parts of one table are about the same size.
    this.spare.sort((a, b) => a.byteLength - b.byteLength);
    const stream = tableToIpcInto(toArrowTable(spec, batch), this.spare.pop());
    if (!this.jobs) {
      const bytes = arrowStreamToParquet(stream, plainColumns(spec));
      this.keep(stream.buffer as ArrayBuffer);
      return bytes;
    }
    // The stream's buffer is transferred (detached here) and comes back once the worker has taken the stream in (SpareBuffer).
    const reply = await this.jobs.run((id) => ({ id, stream, plain: plainColumns(spec) }) satisfies EncodeRequest, [stream.buffer as ArrayBuffer]);
    if ('error' in reply) throw new Error(`Parquet encoding failed in the worker thread: ${reply.error}`);
    return reply.bytes;
  }

  private keep(buffer: ArrayBuffer): void {
    if (this.spare.length < SPARE_BUFFERS && buffer.byteLength >= MIN_SPARE_BYTES) this.spare.push(buffer);
  }
}

let sharedEncoder: ParquetEncoder | undefined;
