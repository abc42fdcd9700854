import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { arrowStreamToParquet, plainColumns, toArrowStream, type TableSpec, type WritableBatch } from './parquet';
import type { EncodeReply, EncodeRequest } from './parquetWorker';
import { loadProcessConfig } from './config';

/**
 * Parquet encoding with its wasm half (encodings, ZSTD: about half of encoding a part) on a worker
 * thread, so a step mines or parses its next batch on one core while the other compresses the last
 * one. The bundle (dist/) ships the worker as parquetWorker.mjs; run from TypeScript sources, or
 * with SENTINEL_PARQUET_WORKER=0, encoding stays on the calling thread with identical output.
 */
export class ParquetEncoder {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (err: Error) => void }>();

  constructor(private readonly workerUrl?: URL) {}

  /** The process-wide encoder: a worker when the bundled worker file sits beside this code. */
  static shared(): ParquetEncoder {
    if (!sharedEncoder) {
      const url = new URL('./parquetWorker.mjs', import.meta.url);
      const usable = loadProcessConfig().parquetWorker && url.protocol === 'file:' && existsSync(fileURLToPath(url));
      sharedEncoder = new ParquetEncoder(usable ? url : undefined);
    }
    return sharedEncoder;
  }

  get usesWorker(): boolean {
    return this.workerUrl !== undefined;
  }

  /**
   * Starts the worker and has it encode an empty part of `spec`, so that its start-up (the thread,
   * the module, compiling the wasm functions a write calls) runs now, while the caller waits for its
   * first input, rather than on the second core while the first part's successor is being built.
   * Without a worker, nothing to do.
   */
  warmUp(spec: TableSpec): void {
    if (!this.workerUrl) return;
    this.encode(spec, { rows: 0, columns: Object.fromEntries(spec.columns.map((c) => [c.name, []])) }).catch(() => undefined); // a real part reports any failure
  }

  async encode(spec: TableSpec, batch: WritableBatch): Promise<Uint8Array> {
    let stream = toArrowStream(spec, batch);
    if (!this.workerUrl) return arrowStreamToParquet(stream, plainColumns(spec));
    // The buffer is transferred (detached here): it must be the stream's own, not shared with other data.
    if (stream.byteOffset !== 0 || stream.byteLength !== stream.buffer.byteLength) stream = stream.slice();
    const worker = this.start();
    const id = this.nextId++;
    const done = new Promise<Uint8Array>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    worker.ref(); // a pending part keeps the process alive
    worker.postMessage({ id, stream, plain: plainColumns(spec) } satisfies EncodeRequest, [stream.buffer as ArrayBuffer]);
    return done;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl!);
    worker.on('message', (reply: EncodeReply) => {
      const job = this.waiting.get(reply.id)!;
      this.waiting.delete(reply.id);
      if (!this.waiting.size) worker.unref(); // an idle worker never holds the process open
      if ('error' in reply) job.reject(new Error(`Parquet encoding failed in the worker thread: ${reply.error}`));
      else job.resolve(reply.bytes);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`Parquet worker thread exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    this.worker = undefined;
    for (const job of this.waiting.values()) job.reject(err);
    this.waiting.clear();
  }
}

let sharedEncoder: ParquetEncoder | undefined;
