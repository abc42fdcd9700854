/**
 * Worker thread entry (bundled as dist/templatesReadWorker.mjs): reads one file's lines for
 * `templates`, a batch per request, in order, with their Content ranges and the masked tokens of
 * first sightings (contentLines.ts, contentRanges.ts): every `step`-th region of a plain file from
 * region `first` (one of several reading threads). Each batch's buffers are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { compileLogFormat } from '../../shared/logFormat';
import { type ContentBatch, FirstSightings, type ReadReply, withContentRanges } from './contentRanges';
import { regionLineBytes } from './lineBytes';

export interface ReadRequest {
  id: number;
  file: string;
  logFormat: string;
  /** Regions `first`, `first + step`, … of `regionBytes` bytes of the (plain) file. */
  regions: { first: number; step: number; regionBytes?: number };
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
  for await (const batch of regionLineBytes(file, regions.first, regions.step, regions.regionBytes, allocate)) {
    const ranged = withContentRanges(batch, format);
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
