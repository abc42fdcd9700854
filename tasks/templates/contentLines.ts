/**
 * The lines of a file with their Content found on the bytes where the format allows it
 * (logFormat.ts `contentBytes`): what `templates` does per line before the miner. With the bundle
 * (dist/templatesReadWorker.mjs beside it) a worker thread reads, splits and matches the header
 * a few batches ahead while the main thread mines, on the second core; run from the TypeScript
 * sources (or with SENTINEL_PARQUET_WORKER=0) the same function runs on the calling thread. Either
 * way the batches are the same (contentLines.test.ts), so the CSV is too.
 */
import { compileLogFormat } from '../../shared/logFormat';
import { bundledWorkerUrl, WorkerJobs } from '../../shared/workerJobs';
import { type ContentBatch, type ReadReply, withContentRanges } from './contentRanges';
import { fileLineBytes } from './lineBytes';

/** How many batches (about 1 MiB each) the worker reads ahead: enough to keep both threads busy, few enough to keep memory flat. */
const AHEAD = 3;

/** The file's lines in batches, in order, with their Content ranges; on a worker thread when the bundle has one. */
export async function* contentLines(file: string, logFormat: string, workerUrl = bundledWorkerUrl('templatesReadWorker.mjs')): AsyncGenerator<ContentBatch> {
  if (!workerUrl) {
    const format = compileLogFormat(logFormat);
    for await (const batch of fileLineBytes(file)) yield withContentRanges(batch, format);
    return;
  }
  const jobs = new WorkerJobs<ReadReply>(workerUrl, 'templates reading');
  const ask = () => jobs.run((id) => ({ id, file, logFormat }));
  const pending = Array.from({ length: AHEAD }, ask);
  for (;;) {
    const reply = await pending.shift()!;
    if ('error' in reply) throw new Error(reply.error);
    if ('done' in reply) return;
    pending.push(ask());
    const { batch } = reply;
    // A Buffer arrives as a plain Uint8Array: the same memory, seen as a Buffer again.
    yield { ...batch, bytes: Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.length) };
  }
}
