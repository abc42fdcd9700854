import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Float64, Int32, makeData, makeVector, TimestampMillisecond, Utf8, type Data, type DataType } from 'apache-arrow';
import { decodeParquetColumns, type ArrowColumn, type Batch, type ColumnData, type ColumnSpec, type TableSpec } from './parquet';
import type { ChunkBuffers, DecodeReply, DecodeRequest } from './parquetDecodeWorker';
import { loadProcessConfig } from './config';
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
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (reply: DecodeReply) => void; reject: (err: Error) => void }>();

  constructor(private readonly workerUrl?: URL) {}

  /** The process-wide decoder: a worker when the bundled worker file sits beside this code. */
  static shared(): ParquetDecoder {
    if (!sharedDecoder) {
      const url = new URL('./parquetDecodeWorker.mjs', import.meta.url);
      const usable = loadProcessConfig().parquetWorker && url.protocol === 'file:' && existsSync(fileURLToPath(url));
      sharedDecoder = new ParquetDecoder(usable ? url : undefined);
    }
    return sharedDecoder;
  }

  get usesWorker(): boolean {
    return this.workerUrl !== undefined;
  }

  /** `decodeParquetColumns(spec, bytes, source, only, arrow)`, on the worker when there is one. */
  async decode(spec: TableSpec, bytes: Uint8Array, source: string, only: readonly string[] | undefined, arrow: readonly string[] = []): Promise<Batch> {
    if (!this.workerUrl) return decodeParquetColumns(spec, bytes, source, only, arrow);
    const worker = this.start();
    const id = this.nextId++;
    const done = new Promise<DecodeReply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    worker.ref(); // a pending read keeps the process alive
    // Copied, not transferred: the bytes stay here for a layout the worker hands back.
    worker.postMessage({ id, spec, bytes, source, only, arrow } satisfies DecodeRequest);
    const reply = await done;
    if ('error' in reply) throw reply.badInput ? new BadInputError(reply.error) : new Error(`Parquet decoding failed in the worker thread: ${reply.error}`);
    if ('elsewhere' in reply) return decodeParquetColumns(spec, bytes, source, only, arrow);
    const kept: Record<string, ArrowColumn> = {};
    for (const [name, chunks] of Object.entries(reply.arrow)) kept[name] = makeVector(chunks.map((c) => dataOf(spec.columns.find((s) => s.name === name)!, c)));
    return { rows: reply.rows, columns: reply.columns as Record<string, ColumnData>, ...(arrow.length ? { arrow: kept } : {}) };
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerUrl!);
    worker.on('message', (reply: DecodeReply) => {
      const job = this.waiting.get(reply.id)!;
      this.waiting.delete(reply.id);
      if (!this.waiting.size) worker.unref(); // an idle worker never holds the process open
      job.resolve(reply);
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`Parquet decoding worker thread exited with code ${code}`)));
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

/** A kept chunk rebuilt as the reader on this thread builds it (shared/ffiBatch.ts `copiedData`). */
function dataOf(spec: ColumnSpec, c: ChunkBuffers): Data {
  const common = { length: c.length, nullCount: c.nullCount, nullBitmap: c.nullBitmap };
  if (spec.type === 'utf8') return makeData({ type: new Utf8(), ...common, valueOffsets: c.valueOffsets!, data: c.values as Uint8Array });
  if (spec.type === 'timestamp_ms') return makeData({ type: new TimestampMillisecond(), ...common, data: c.values as BigInt64Array });
  const type: DataType = spec.type === 'float64' ? new Float64() : new Int32();
  return makeData({ type, ...common, data: c.values } as Parameters<typeof makeData>[0]);
}

let sharedDecoder: ParquetDecoder | undefined;
