/**
 * Worker thread entry (bundled as dist/templatesReadWorker.mjs): reads one file's lines for
 * `templates`, a batch per request, in order, with their Content ranges and the masked tokens of
 * first sightings (contentLines.ts, contentRanges.ts). Each
 * batch's buffers are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { compileLogFormat } from '../../shared/logFormat';
import { type ContentBatch, FirstSightings, type ReadReply, withContentRanges } from './contentRanges';
import { fileLineBytes } from './lineBytes';

let lines: AsyncGenerator<ContentBatch> | undefined;
/** Requests are answered one after another: each takes the next batch. */
let queue: Promise<void> = Promise.resolve();

async function* batchesOf(file: string, logFormat: string): AsyncGenerator<ContentBatch> {
  const format = compileLogFormat(logFormat);
  const firstSightings = new FirstSightings();
  for await (const batch of fileLineBytes(file)) {
    // Copied into memory of its own (a read chunk, or a small Buffer's pool, may share it), so that it can be transferred.
    const own = new Uint8Array(batch.ends[batch.count - 1]);
    own.set(batch.bytes.subarray(0, own.length));
    const ranged = withContentRanges({ ...batch, bytes: Buffer.from(own.buffer) }, format);
    yield { ...ranged, firstSightings: firstSightings.tokenize(ranged) };
  }
}

parentPort!.on('message', ({ id, file, logFormat }: { id: number; file: string; logFormat: string }) => {
  queue = queue.then(async () => {
    let reply: ReadReply;
    try {
      lines ??= batchesOf(file, logFormat);
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
