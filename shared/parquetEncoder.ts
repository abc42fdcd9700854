import { arrowStreamToParquet, plainColumns, toArrowStream, type TableSpec, type WritableBatch } from './parquet';
import type { EncodeReply, EncodeRequest } from './parquetWorker';
import { bundledWorkerUrl, WorkerJobs } from './workerJobs';

/**
 * Parquet encoding with its wasm half (encodings, ZSTD: about half of encoding a part) on a worker
 * thread, so a step mines or parses its next batch on one core while the other compresses the last
 * one. The bundle (dist/) ships the worker as parquetWorker.mjs; run from TypeScript sources, or
 * with SENTINEL_PARQUET_WORKER=0, encoding stays on the calling thread with identical output.
 */
export class ParquetEncoder {
  private readonly jobs: WorkerJobs<EncodeReply> | undefined;

  constructor(workerUrl?: URL) {
    this.jobs = workerUrl && new WorkerJobs<EncodeReply>(workerUrl, 'Parquet encoding');
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
    let stream = toArrowStream(spec, batch);
    if (!this.jobs) return arrowStreamToParquet(stream, plainColumns(spec));
    // The buffer is transferred (detached here): it must be the stream's own, not shared with other data.
    if (stream.byteOffset !== 0 || stream.byteLength !== stream.buffer.byteLength) stream = stream.slice();
    const reply = await this.jobs.run((id) => ({ id, stream, plain: plainColumns(spec) }) satisfies EncodeRequest, [stream.buffer as ArrayBuffer]);
    if ('error' in reply) throw new Error(`Parquet encoding failed in the worker thread: ${reply.error}`);
    return reply.bytes;
  }
}

let sharedEncoder: ParquetEncoder | undefined;
