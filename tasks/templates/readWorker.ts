/**
 * Worker thread entry (bundled as dist/templatesReadWorker.mjs): reads one file's lines for
 * `templates`, a batch per request, in order, with their Content ranges and the masked tokens of
 * first sightings (contentLines.ts, contentRanges.ts): the whole file, or every `step`-th region of
 * it from region `first` (one of several reading threads). Each batch's buffers are transferred,
 * not copied.
 */
import { parentPort } from 'node:worker_threads';
import { compileLogFormat } from '../../shared/logFormat';
import { type ContentBatch, FirstSightings, type ReadReply, withContentRanges } from './contentRanges';
import { fileLineBytes, type LineBatch, regionLineBytes } from './lineBytes';

export interface ReadRequest {
  id: number;
  file: string;
  logFormat: string;
  /** Regions `first`, `first + step`, … of `regionBytes` bytes (a plain file only); else the whole file. */
  regions?: { first: number; step: number; regionBytes?: number };
  /** The bytes of a region the main thread is done with, to read a later region into. */
  recycled?: ArrayBuffer;
}

/** Region buffers given back (`recycled`), reused before a new one is allocated. */
const spare: ArrayBuffer[] = [];

/** `size` bytes of memory of their own (transferable): a spare buffer when one is large enough. */
function allocate(size: number): Buffer {
  const at = spare.findIndex((buffer) => buffer.byteLength >= size);
  return at >= 0 ? Buffer.from(spare.splice(at, 1)[0], 0, size) : Buffer.allocUnsafeSlow(size);
}

let lines: AsyncGenerator<ContentBatch> | undefined;
/** Requests are answered one after another: each takes the next batch. */
let queue: Promise<void> = Promise.resolve();

async function* batchesOf({ file, logFormat, regions }: ReadRequest): AsyncGenerator<ContentBatch> {
  const format = compileLogFormat(logFormat);
  const firstSightings = new FirstSightings();
  const batches: AsyncIterable<LineBatch> = regions ? regionLineBytes(file, regions.first, regions.step, regions.regionBytes, allocate) : fileLineBytes(file);
  for await (const batch of batches) {
    let bytes = batch.bytes;
    if (!regions) {
      // Copied into memory of its own (a read chunk, or a small Buffer's pool, may share it), so that it can be transferred.
      const own = new Uint8Array(batch.count ? batch.ends[batch.count - 1] : 0);
      own.set(batch.bytes.subarray(0, own.length));
      bytes = Buffer.from(own.buffer);
    }
    const ranged = withContentRanges({ ...batch, bytes }, format);
    yield { ...ranged, firstSightings: firstSightings.tokenize(ranged) };
  }
}

parentPort!.on('message', (request: ReadRequest) => {
  const { id, recycled } = request;
  if (recycled && spare.length < 4) spare.push(recycled);
  queue = queue.then(async () => {
    let reply: ReadReply;
    try {
      lines ??= batchesOf(request);
      const next = await lines.next();
      reply = next.done ? { id, done: true } : { id, batch: next.value };
    } catch (err) {
      reply = { id, error: (err as Error).message };
    }
    if ('batch' in reply) {
      const { bytes, starts, ends, contentStarts, contentEnds } = reply.batch;
      parentPort!.postMessage(reply, [
        reply.batch.firstSightings!.shapeIds.buffer as ArrayBuffer,
        bytes.buffer as ArrayBuffer,
        starts.buffer as ArrayBuffer,
        ends.buffer as ArrayBuffer,
        contentStarts.buffer as ArrayBuffer,
        contentEnds.buffer as ArrayBuffer,
      ]);
    } else parentPort!.postMessage(reply);
  });
});
