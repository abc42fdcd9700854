/**
 * The byte range of each line's Content, where the log format can tell it from the bytes
 * (logFormat.ts `contentBytes`): the per-line work `templates` does before the miner, on the
 * reading thread (readWorker.ts) or on the calling thread (contentLines.ts). Pure.
 */
import type { CompiledLogFormat } from '../../shared/logFormat';
import { createMasker } from '../../shared/parsing/masks';
import { messageTokens } from '../../shared/parsing/messageTokens';
import { isPrintableAscii } from './printableAscii';
import { ShapeKernel } from '../../shared/parsing/shapeKernel';
import { quickShapeKey, shapeCodes, viewOf } from '../../shared/parsing/shapePattern';
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
 * `shapeIds[i]` numbers line i's shape (FirstSightings, with the shape kernel) from its second sighting on: lines with one
 * number have one shape, as long as `shapeGeneration` stays the same; -1: no number.
 */
export interface FirstSightingTokens {
  readonly firstToken: Int32Array;
  readonly tokenCounts: Int32Array;
  readonly tokenEnds: Int32Array;
  readonly tokenText: string;
  readonly shapeIds: Int32Array;
  readonly shapeGeneration: number;
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

/**
 * Shapes FirstSightings keeps (seen once, or numbered); past it the table starts over (memory stays
 * flat), with a new generation of numbers.
 */
const MAX_KEPT = 200_000;
/** First sightings per 100 lines from which the next lines' are tokenized here. */
const TOKENIZE_FROM_PERCENT = 2;
/** Lines (whole batches) over which that is decided. */
const DECIDE_OVER = 100;
/**
 * Shapes numbered per generation; past it a new generation starts. The main thread keeps the
 * miner's shape per number, so this bounds what it keeps as the miner bounds its own (20K shapes).
 */
const MAX_NUMBERED = 20_000;
/** Slots of its open-addressing table (a power of two, at most 40 % full): 4 MB, fewer cache misses than a Map of 200K numbers. */
const SLOTS = 1 << 19;

/**
 * The reading thread's share of the miner's work, for lines whose Content is printable ASCII:
 * - the masked tokens (default masks and token rules) of each line of a shape not seen before in
 *   the file. The miner would tokenize exactly these itself: it remembers a shape on its second
 *   sighting (shared/parsing/messageShapes.ts), and the message itself is new;
 * - a number for the shape of each line seen before, so that the main thread need not look the
 *   shape up (it keeps the miner's shape per number). The shapes are numbered in WebAssembly
 *   (shared/parsing/shapeKernel.ts), a batch at a time; a line the batch's call did not number is
 *   a first sighting, a second one (numbered now), or of a shape numbered earlier in the batch.
 * A hash collision, or the table starting over, only changes which lines come tokenized or
 * numbered: tokens from `messageTokens` are what the miner's own path gives any message, and a
 * number stands for one shape (confirmed byte by byte), so the result does not depend on them.
 */
export class FirstSightings {
  /** Per slot: the shape's hash + 1 (0: empty). */
  private readonly keys = new Int32Array(SLOTS);
  /** Per slot: the shape's number, or -1 while it was seen once. */
  private readonly ids = new Int32Array(SLOTS);
  private kept = 0;
  private readonly kernel: ShapeKernel;
  private generation = 0;
  private readonly masker = createMasker();
  /**
   * Whether first sightings are tokenized here: only while they are frequent (at least
   * TOKENIZE_FROM_PERCENT of the last DECIDE_OVER or more lines). Where shapes are few (HDFS: ~1K in 1M lines, nearly
   * all in the first batch) the main thread tokenizes the few itself, and the reading threads do
   * not compile the tokenizer at all.
   */
  private tokenizing = false;

  /** `limits`: when a new generation starts (tests make them small). */
  constructor(private readonly limits = { maxKept: MAX_KEPT, maxNumbered: MAX_NUMBERED }) {
    this.kernel = new ShapeKernel(limits.maxNumbered);
  }
  private recentLines = 0;
  private recentFirstSightings = 0;

  tokenize(batch: ContentBatch): FirstSightingTokens {
    const { bytes, count, contentStarts, contentEnds } = batch;
    const { kernel } = this;
    if (this.kept >= this.limits.maxKept || kernel.count >= this.limits.maxNumbered) {
      this.keys.fill(0);
      this.kept = 0;
      kernel.clear();
      this.generation++;
    }
    const { keys, ids } = this;
    const view = viewOf(bytes);
    const tokenizing = this.tokenizing;
    let firstSightings = 0;
    const firstToken = new Int32Array(count).fill(-1);
    const tokenCounts = new Int32Array(count);
    const shapeIds = new Int32Array(count);
    kernel.numberLines(bytes, contentStarts, contentEnds, 0, count, shapeIds);
    const ends: number[] = [];
    let text = '';
    for (let i = 0; i < count; i++) {
      const start = contentStarts[i];
      if (start < 0 || shapeIds[i] >= 0) continue;
      const end = contentEnds[i];
      if (!isPrintableAscii(bytes, view, start, end)) continue;
      // 30 bits: a small integer V8 keeps unboxed, and `h + 1` fits the Int32Array of keys.
      const h = quickShapeKey(view, start, end) & 0x3fffffff;
      // Linear probing over the slots of this hash: a shape seen once (this is its second sighting,
      // or a collision: either way it gets a number now), a numbered shape (numbered earlier in
      // this batch: the kernel confirms it), else an empty slot (a first sighting).
      const key = h + 1;
      let slot = h & (SLOTS - 1);
      let id = -1;
      let seenBefore = false;
      for (; keys[slot] !== 0; slot = (slot + 1) & (SLOTS - 1)) {
        if (keys[slot] !== key) continue;
        if (ids[slot] < 0) {
          // -1 when this batch filled the kernel: the line stays unnumbered (the next batch starts a new generation).
          id = kernel.add(shapeCodes(bytes.subarray(start, end)));
          ids[slot] = id;
          seenBefore = true;
          break;
        }
        id = kernel.numberOne(bytes, start, end);
        if (id >= 0) break;
      }
      if (id >= 0) {
        shapeIds[i] = id;
        continue;
      }
      if (seenBefore) continue;
      keys[slot] = key;
      ids[slot] = -1;
      this.kept++;
      firstSightings++;
      if (!tokenizing) continue;
      const { masked } = messageTokens(bytes.toString('latin1', start, end), this.masker);
      firstToken[i] = ends.length;
      tokenCounts[i] = masked.length;
      for (const token of masked) {
        text += token;
        ends.push(text.length);
      }
    }
    // Decided over at least DECIDE_OVER lines: a batch may be one line (one that spanned two read chunks).
    this.recentLines += count;
    this.recentFirstSightings += firstSightings;
    if (this.recentLines >= DECIDE_OVER) {
      this.tokenizing = this.recentFirstSightings * 100 >= this.recentLines * TOKENIZE_FROM_PERCENT;
      this.recentLines = this.recentFirstSightings = 0;
    }
    return { firstToken, tokenCounts, tokenEnds: Int32Array.from(ends), tokenText: text, shapeIds, shapeGeneration: this.generation };
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
