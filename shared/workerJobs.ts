import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';
import { loadProcessConfig } from './config';

/**
 * The URL of a worker file the bundle ships beside this code (dist/), or undefined when there is
 * none (run from TypeScript sources) or SENTINEL_PARQUET_WORKER=0: the caller then does the work on
 * its own thread, with the same result.
 */
export function bundledWorkerUrl(file: string): URL | undefined {
  const url = new URL(`./${file}`, import.meta.url);
  return loadProcessConfig().parquetWorker && url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Request and reply on one worker thread, started at the first job: each request carries an id and
 * the worker answers with the same id. A pending job keeps the process alive, an idle worker never
 * does. When the thread fails or exits, every pending job fails with it and the next job starts a
 * new thread. The reply is the caller's to read (including the errors it reports).
 */
export class WorkerJobs<Reply extends { id: number }> {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();

  /**
   * `what`: the worker's job in an error message ("Parquet encoding"). `onNotice`: what to do with
   * a message that answers no job (one without an `id`), e.g. a buffer handed back before the reply.
   * `thread`: the thread's options (resource limits).
   */
  constructor(
    private readonly url: URL,
    private readonly what: string,
    private readonly onNotice?: (message: unknown) => void,
    private readonly thread: { options?: WorkerOptions } = {},
  ) {}

  run(request: (id: number) => object, transfer: readonly Transferable[] = []): Promise<Reply> {
    const worker = this.start();
    const id = this.nextId++;
    const done = new Promise<Reply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    worker.ref(); // a pending job keeps the process alive
    worker.postMessage(request(id), [...transfer]);
    return done;
  }

  /** Starts the thread now (loading its module, compiling its wasm) if it is not running: its first job then finds it ready. */
  warmUp(): void {
    this.start();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.url, this.thread.options);
    worker.on('message', (reply: Reply) => {
      if (typeof reply.id !== 'number') {
        this.onNotice?.(reply);
        return;
      }
      const job = this.waiting.get(reply.id)!;
      this.waiting.delete(reply.id);
      if (!this.waiting.size) worker.unref(); // an idle worker never holds the process open
      job.resolve(reply);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`${this.what} worker thread exited with code ${code}`)));
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
