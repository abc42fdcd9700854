/**
 * Worker thread entry (bundled as dist/parquetWorker.mjs): Arrow IPC stream in, Parquet bytes out.
 * See shared/parquetEncoder.ts.
 */
import { parentPort } from 'node:worker_threads';
import { arrowStreamToParquet } from './parquet';

export interface EncodeRequest {
  id: number;
  stream: Uint8Array;
  plain: string[];
}
/** `spare`: the request's stream buffer, handed back for the next stream once the stream is taken in. */
export type EncodeReply = ({ id: number; bytes: Uint8Array } | { id: number; error: string }) & { spare?: ArrayBuffer };

parentPort?.on('message', ({ id, stream, plain }: EncodeRequest) => {
  const spare = stream.buffer as ArrayBuffer;
  try {
    const written = arrowStreamToParquet(stream, plain);
    // Transfer, not copy: the buffer must hold exactly these bytes.
    const bytes = written.byteOffset === 0 && written.byteLength === written.buffer.byteLength ? written : written.slice();
    parentPort!.postMessage({ id, bytes, spare } satisfies EncodeReply, [bytes.buffer as ArrayBuffer, spare]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err), spare } satisfies EncodeReply, [spare]);
  }
});
