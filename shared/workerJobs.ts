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

/** Threads of bundled worker files started before a WorkerJobs of theirs exists (`startWorkerEarly`), by URL. */
const startedEarly = new Map<string, { worker: Worker; ended: boolean; end: () => void }>();

/**
 * Starts the thread of a bundled worker file now, before the step's own modules load: loading the
 * worker's module and compiling its wasm then overlap the main thread's loading, and the first
 * WorkerJobs of that file takes the thread (`parse`, whose first Bronze part waited on its decoding
 * thread, decision 118). Holds the process open only once it has a job. Nothing without a bundled worker.
 */
export function startWorkerEarly(file: string): void {
  const url = bundledWorkerUrl(file);
  if (url && !startedEarly.has(url.href)) startThreadEarly(url);
}

/** `startWorkerEarly` for a worker file's URL; returns the thread. */
export function startThreadEarly(url: URL): Worker {
  const worker = new Worker(url);
  // A thread that fails or exits before it is taken is not taken: WorkerJobs starts its own, and reports its failure.
  const entry = { worker, ended: false, end: () => (entry.ended = true) };
  worker.once('error', entry.end);
  worker.once('exit', entry.end);
  worker.unref();
  startedEarly.set(url.href, entry);
  return worker;
}

/**
 * The thread started early for `url`, if it is still running and started as `options` ask (with
 * options, none is: it was started without them); it is then no longer early. One not taken ends.
 */
function takeEarlyWorker(url: URL, options: WorkerOptions | undefined): Worker | undefined {
  const entry = startedEarly.get(url.href);
  if (!entry) return undefined;
  startedEarly.delete(url.href);
  entry.worker.off('error', entry.end);
  entry.worker.off('exit', entry.end);
  if (!entry.ended && !options) return entry.worker;
  void entry.worker.terminate();
  return undefined;
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
    const worker = takeEarlyWorker(this.url, this.thread.options) ?? new Worker(this.url, this.thread.options);
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
