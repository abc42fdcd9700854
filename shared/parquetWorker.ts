/**
 * Worker thread entry (bundled as dist/parquetWorker.mjs): an Arrow table's buffers (or, for
 * layouts those do not carry, its IPC stream) in, Parquet bytes out. See shared/parquetEncoder.ts.
 */
import { tableToIPC } from 'apache-arrow';
import { parentPort } from 'node:worker_threads';
import { tableFromTransfer, type TableTransfer } from './arrowTransfer';
import { arrowStreamToParquet } from './parquet';

export type EncodeRequest = { id: number; plain: string[] } & ({ table: TableTransfer } | { stream: Uint8Array });
export type EncodeReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

parentPort?.on('message', (request: EncodeRequest) => {
  const { id, plain } = request;
  try {
    // parquet-wasm 0.8 takes tables in only as IPC streams (no import from Arrow FFI structs).
    const stream = 'table' in request ? tableToIPC(tableFromTransfer(request.table), 'stream') : request.stream;
    const written = arrowStreamToParquet(stream, plain);
    // Transfer, not copy: the buffer must hold exactly these bytes.
    const bytes = written.byteOffset === 0 && written.byteLength === written.buffer.byteLength ? written : written.slice();
    parentPort!.postMessage({ id, bytes } satisfies EncodeReply, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies EncodeReply);
  }
});
