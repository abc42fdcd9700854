/**
 * The lines of a file with their Content found on the bytes where the format allows it
 * (logFormat.ts `contentBytes`): what `templates` does per line before the miner. With the bundle
 * (dist/templatesReadWorker.mjs beside it) reading threads read, split and match the header a few
 * batches ahead while the main thread mines: two for a plain file, each taking every other region
 * of it (the reading is more work than the mining, and a machine has two cores), one for a gzipped
 * file (it cannot be read from the middle). Run from the TypeScript sources (or with
 * SENTINEL_PARQUET_WORKER=0) the same function runs on the calling thread. Either way the lines
 * are the same (contentLines.test.ts), so the CSV is too.
 */
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { compileLogFormat } from '../../shared/logFormat';
import { bundledWorkerUrl, WorkerJobs } from '../../shared/workerJobs';
import { type ContentBatch, type ReadReply, withContentRanges } from './contentRanges';
import { CHUNK_BYTES, isGzip } from './fileLines';
import { fileLineBytes } from './lineBytes';
import type { ReadRequest } from './readWorker';

/** How many batches (about 1 MiB each) each reading thread has asked for: enough to keep the threads busy, few enough to keep memory flat. */
const AHEAD = 3;
/** Reading threads for a plain file. */
const READERS = 2;
/**
 * Each reading thread's young generation: V8's default lets each of the three isolates grow it to
 * ~48 MB of short-lived tokens; 16 MB took the peak RSS on 1M generated messages from ~300 to
 * ~250 MB at the same CPU time.
 */
const READER_LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: 16 } }; // also in bin/sentinel.mjs

/**
 * Reading threads bin/sentinel.mjs started for this worker file before the bundle loaded (they
 * boot meanwhile), taken once; none otherwise.
 */
function startedReaders(workerUrl: URL): Worker[] {
  const key = Symbol.for('sentinel.templatesReaders');
  const started = (globalThis as Record<symbol, { file: string; workers: Worker[] } | undefined>)[key];
  if (!started || started.file !== fileURLToPath(workerUrl)) return [];
  delete (globalThis as Record<symbol, unknown>)[key];
  return started.workers;
}

/** A batch, and which reading thread made it (its shape numbers are its own); 0 on the calling thread. */
export interface ReadBatch extends ContentBatch {
  readonly reader: number;
}

/**
 * The file's lines in batches, in order, with their Content ranges; on reading threads when the
 * bundle has them. `regionBytes`: the size of the regions the reading threads share (tests make it small).
 */
export async function* contentLines(
  file: string,
  logFormat: string,
  workerUrl = bundledWorkerUrl('templatesReadWorker.mjs'),
  regionBytes = CHUNK_BYTES,
): AsyncGenerator<ReadBatch> {
  if (!workerUrl) {
    const format = compileLogFormat(logFormat);
    for await (const batch of fileLineBytes(file)) yield { ...withContentRanges(batch, format), reader: 0 };
    return;
  }
  const readers = (await isGzip(file)) ? 1 : READERS;
  const started = startedReaders(workerUrl);
  const jobs = Array.from(
    { length: readers },
    (_, r) => new WorkerJobs<ReadReply>(workerUrl, 'templates reading', undefined, { options: READER_LIMITS, adopted: started[r] }),
  );
  for (const unused of started.slice(readers)) void unused.terminate();
  const ask = (reader: number, recycled?: ArrayBuffer) =>
    jobs[reader].run(
      (id): ReadRequest => ({ id, file, logFormat, ...(readers > 1 ? { regions: { first: reader, step: readers, regionBytes }, recycled } : {}) }),
      recycled ? [recycled] : [],
    );
  // Replies in file order: region k comes from reader k % readers.
  const pending = Array.from({ length: AHEAD * readers }, (_, k) => ask(k % readers));
  for (let k = 0; ; k++) {
    const reply = await pending.shift()!;
    if ('error' in reply) throw new Error(reply.error);
    if ('done' in reply) return;
    const reader = k % readers;
    const { batch } = reply;
    // A Buffer arrives as a plain Uint8Array: the same memory, seen as a Buffer again. Every batch
    // is built by this one literal (one hidden class: the mining loop is not deoptimized by a new one).
    yield {
      bytes: Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.length),
      starts: batch.starts,
      ends: batch.ends,
      count: batch.count,
      contentStarts: batch.contentStarts,
      contentEnds: batch.contentEnds,
      firstSightings: batch.firstSightings,
      reader,
    };
    // The consumer is done with the batch: a region's bytes go back to its reader for a later
    // region (no new megabyte per region, so no garbage collections for them).
    pending.push(ask(reader, readers > 1 ? (batch.bytes.buffer as ArrayBuffer) : undefined));
  }
}
