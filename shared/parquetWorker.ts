/**
 * Worker thread entry (bundled as dist/parquetWorker.mjs): Arrow IPC stream in, Parquet bytes out.
 * See shared/parquetEncoder.ts.
 */
import { parentPort } from 'node:worker_threads';
import { arrowStreamToWasm, wasmTableToParquet } from './parquet';

export interface EncodeRequest {
  id: number;
  stream: Uint8Array;
  plain: string[];
}
export type EncodeReply = { id: number; bytes: Uint8Array } | { id: number; error: string };
/**
 * The request's stream buffer, handed back as soon as the stream is in wasm memory (before the
 * encoding, which takes ten times longer), so the caller serializes its next part into it: one
 * buffer of a part's size in circulation instead of one per part in flight (decision 99).
 */
export interface SpareBuffer {
  spare: ArrayBuffer;
}

parentPort?.on('message', ({ id, stream, plain }: EncodeRequest) => {
  const spare = stream.buffer as ArrayBuffer;
  let returned = false;
  const handBack = () => {
    if (!returned) parentPort!.postMessage({ spare } satisfies SpareBuffer, [spare]);
    returned = true;
  };
  try {
    const table = arrowStreamToWasm(stream);
    handBack();
    const written = wasmTableToParquet(table, plain);
    // Transfer, not copy: the buffer must hold exactly these bytes.
    const bytes = written.byteOffset === 0 && written.byteLength === written.buffer.byteLength ? written : written.slice();
    parentPort!.postMessage({ id, bytes } satisfies EncodeReply, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    handBack();
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies EncodeReply);
  }
});
