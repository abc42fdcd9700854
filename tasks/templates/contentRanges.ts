/**
 * The byte range of each line's Content, where the log format can tell it from the bytes
 * (logFormat.ts `contentBytes`): the per-line work `templates` does before the miner, on the
 * reading thread (readWorker.ts) or on the calling thread (contentLines.ts). Pure.
 */
import type { CompiledLogFormat } from '../../shared/logFormat';
import { createMasker } from '../../shared/parsing/masks';
import { messageTokens } from '../../shared/parsing/messageTokens';
import type { LineBatch } from './lineBytes';

/** A LineBatch, and for each line the byte range of its Content, or -1 where the bytes do not decide it (decode and use `content`). */
export interface ContentBatch extends LineBatch {
  readonly contentStarts: Int32Array;
  readonly contentEnds: Int32Array;
  /** From the reading thread: the masked tokens of lines whose shape it had not seen before (FirstSightings). */
  readonly firstSightings?: FirstSightingTokens;
}

/**
 * Line i's masked tokens, when given, are `tokenText` cut at `tokenEnds[firstToken[i] ..
 * firstToken[i] + tokenCounts[i])` (each token ends where the next begins); -1: not given.
 */
export interface FirstSightingTokens {
  readonly firstToken: Int32Array;
  readonly tokenCounts: Int32Array;
  readonly tokenEnds: Int32Array;
  readonly tokenText: string;
}

/** Line i's masked tokens from `tokens` (see FirstSightingTokens), or undefined. */
export function maskedOfLine(tokens: FirstSightingTokens, i: number): string[] | undefined {
  const first = tokens.firstToken[i];
  if (first < 0) return undefined;
  const masked: string[] = new Array(tokens.tokenCounts[i]);
  let at = first === 0 ? 0 : tokens.tokenEnds[first - 1];
  for (let k = 0; k < masked.length; k++) {
    const end = tokens.tokenEnds[first + k];
    masked[k] = tokens.tokenText.slice(at, end);
    at = end;
  }
  return masked;
}

/** Shape hashes remembered by FirstSightings; past it the set starts over (memory stays flat). */
const MAX_SEEN = 200_000;

/**
 * The reading thread's share of the miner's work: the masked tokens (default masks and token rules)
 * of each line whose Content is printable ASCII and of a shape not seen before in the file. The
 * miner would tokenize exactly these itself: it remembers a shape on its second sighting
 * (shared/parsing/messageShapes.ts), and the message itself is new. A hash collision, or the set
 * starting over, only changes which lines come tokenized: tokens from `messageTokens` are what the
 * miner's own path gives any message, so the result does not depend on it.
 */
export class FirstSightings {
  private readonly seen = new Set<number>();
  private readonly masker = createMasker();

  tokenize(batch: ContentBatch): FirstSightingTokens {
    const { bytes, count, contentStarts, contentEnds } = batch;
    const firstToken = new Int32Array(count).fill(-1);
    const tokenCounts = new Int32Array(count);
    const ends: number[] = [];
    let text = '';
    for (let i = 0; i < count; i++) {
      const start = contentStarts[i];
      if (start < 0) continue;
      const end = contentEnds[i];
      // The shape's hash, as messageShapes.ts maps digits; a byte that is not printable ASCII stops it.
      let h = 0x811c9dc5 ^ (end - start);
      let printable = true;
      for (let j = start; j < end; j++) {
        let c = bytes[j];
        if (c < 32 || c > 126) {
          printable = false;
          break;
        }
        if (c >= 48 && c <= 57) c = c === 48 && j + 1 < end && (bytes[j + 1] | 32) === 120 ? 48 : 49;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (!printable || this.seen.has(h)) continue;
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
      this.seen.add(h);
      const { masked } = messageTokens(bytes.toString('latin1', start, end), this.masker);
      firstToken[i] = ends.length;
      tokenCounts[i] = masked.length;
      for (const token of masked) {
        text += token;
        ends.push(text.length);
      }
    }
    return { firstToken, tokenCounts, tokenEnds: Int32Array.from(ends), tokenText: text };
  }
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
