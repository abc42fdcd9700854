/**
 * The byte range of each line's Content, where the log format can tell it from the bytes
 * (logFormat.ts `contentBytes`): the per-line work `templates` does before the miner, on the
 * reading thread (readWorker.ts) or on the calling thread (contentLines.ts). Pure.
 */
import type { CompiledLogFormat } from '../../shared/logFormat';
import type { LineBatch } from './lineBytes';

/** A LineBatch, and for each line the byte range of its Content, or -1 where the bytes do not decide it (decode and use `content`). */
export interface ContentBatch extends LineBatch {
  readonly contentStarts: Int32Array;
  readonly contentEnds: Int32Array;
}

export type ReadReply = { id: number; batch: ContentBatch } | { id: number; done: true } | { id: number; error: string };

/** Content ranges for every line of `batch` (fresh arrays, sized to the batch). */
export function withContentRanges(batch: LineBatch, format: CompiledLogFormat): ContentBatch {
  const { bytes, starts, ends, count } = batch;
  const contentStarts = new Int32Array(count).fill(-1);
  const contentEnds = new Int32Array(count);
  const contentBytes = format.contentBytes;
  if (contentBytes) {
    const range = new Int32Array(2);
    for (let i = 0; i < count; i++) {
      if (!contentBytes(bytes, starts[i], ends[i], range)) continue;
      contentStarts[i] = range[0];
      contentEnds[i] = range[1];
    }
  }
  return { bytes, starts: starts.slice(0, count), ends: ends.slice(0, count), count, contentStarts, contentEnds };
}
