/**
 * The lines of a file with their Content found on the bytes where the format allows it
 * (logFormat.ts `contentBytes`): what `templates` does per line before the miner. For a long plain
 * file, with the bundle (dist/templatesReadWorker.mjs beside it), two reading threads read, split
 * and match the header a few batches ahead while the main thread mines, each taking every other
 * region of the file. Otherwise, and run from the TypeScript sources (or with
 * SENTINEL_PARQUET_WORKER=0), the same function runs on the calling thread. Either way the lines
 * are the same (contentLines.test.ts), so the CSV is too.
 */
import { open } from 'node:fs/promises';
import { compileLogFormat } from '../../shared/logFormat';
import { bundledWorkerUrl, WorkerJobs } from '../../shared/workerJobs';
import { type ContentBatch, type ReadReply, withContentRanges } from './contentRanges';
import { CHUNK_BYTES, isGzip } from './fileLines';
import { fileLineBytes } from './lineBytes';
import type { ReadRequest } from './readWorker';

/** How many batches (about 1 MiB each) each reading thread has asked for: enough to keep the threads busy, few enough to keep memory flat. */
const AHEAD = 3;
/** Reading threads for a long plain file. */
const READERS = 2;
/**
 * Each reading thread's young generation: V8's default lets each of the three isolates grow it to
 * ~48 MB of short-lived tokens; 16 MB took the peak RSS on 1M generated messages from ~300 to
 * ~250 MB at the same CPU time.
 */
const READER_LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: 16 } };
/**
 * Lines (estimated from the first region) from which a plain file is read on the threads. They
 * cost ~0.6 CPU s of their own (two more isolates booting and optimizing their code) and save
 * ~0.06 s of wall time per million lines (decision 108). On two cores the calling thread alone
 * was faster at 1M lines (HDFS 0.70 against 0.80 s, generated 0.98 against 1.17 s), even at 3M
 * HDFS lines; the threads at 3M generated lines (1.77 against 1.88 s) and at 10M (HDFS 3.70
 * against 4.33 s, generated 4.13 against 4.63 s). A gzipped file is never read on them: one thread
 * must inflate it from the start, and one reading thread was slower than none at 1M and 10M lines.
 */
const READING_THREADS_FROM_LINES = 2_000_000;

/** Whether `file` is plain and long enough for the reading threads (see READING_THREADS_FROM_LINES). */
async function worthReadingThreads(file: string, fromLines: number): Promise<boolean> {
  if (await isGzip(file)) return false;
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.allocUnsafe(Math.min(size, CHUNK_BYTES));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    let newlines = 0;
    for (let at = head.indexOf(10); at >= 0 && at < bytesRead; at = head.indexOf(10, at + 1)) newlines++;
    return (size * Math.max(newlines, 1)) / Math.max(bytesRead, 1) >= fromLines;
  } finally {
    await handle.close();
  }
}

/** A batch, and which reading thread made it (its shape numbers are its own); 0 on the calling thread. */
export interface ReadBatch extends ContentBatch {
  readonly reader: number;
}

/**
 * The file's lines in batches, in order, with their Content ranges; on reading threads when the
 * bundle has them and the file is long enough. `regionBytes`: the size of the regions the reading
 * threads share, `threadsFromLines`: the length from which they do (tests make both small).
 */
export async function* contentLines(
  file: string,
  logFormat: string,
  workerUrl = bundledWorkerUrl('templatesReadWorker.mjs'),
  regionBytes = CHUNK_BYTES,
  threadsFromLines = READING_THREADS_FROM_LINES,
): AsyncGenerator<ReadBatch> {
  if (!workerUrl || !(await worthReadingThreads(file, threadsFromLines))) {
    const format = compileLogFormat(logFormat);
    for await (const batch of fileLineBytes(file)) yield { ...withContentRanges(batch, format), reader: 0 };
    return;
  }
  const jobs = Array.from({ length: READERS }, () => new WorkerJobs<ReadReply>(workerUrl, 'templates reading', undefined, { options: READER_LIMITS }));
  const ask = (reader: number, recycled?: ArrayBuffer) =>
    jobs[reader].run(
      (id): ReadRequest => ({ id, file, logFormat, regions: { first: reader, step: READERS, regionBytes }, recycled }),
      recycled ? [recycled] : [],
    );
  // Replies in file order: region k comes from reader k % READERS.
  const pending = Array.from({ length: AHEAD * READERS }, (_, k) => ask(k % READERS));
  for (let k = 0; ; k++) {
    const reply = await pending.shift()!;
    if ('error' in reply) throw new Error(reply.error);
    if ('done' in reply) return;
    const reader = k % READERS;
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
    pending.push(ask(reader, batch.bytes.buffer as ArrayBuffer));
  }
}
