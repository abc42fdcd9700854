/**
 * Messages of one shape: most log lines are an earlier line with other numbers in it
 * (`Receiving block blk_<n> src: /<ip>:<port> ...`), and with the default masks and token rules
 * such a line tokenizes and masks exactly like the earlier one. So the result of `messageTokens`
 * is remembered per shape, as positions in the message, and a later message of the same shape
 * reads its tokens and values at those positions instead of running the rules again.
 *
 * Why this gives the same result, not a similar one: every default rule (masks.ts, valueRuns.ts,
 * namedValues.ts, messageTokens.ts) treats the digits 0–9 as one class (`\d`, `[0-9a-f]`, `\w`,
 * character-code ranges); the one exception is HEX's `0x` prefix. The shape of a message is
 * therefore the message with every digit made `1`, except a `0` before `x`/`X`; and where the rules
 * cannot tell hex runs apart (`job-632c22f0`, `ch_8391d0ad`, a UUID's groups), such a run is one
 * class (shapePattern.ts, the one rule): two messages of one shape split into the same tokens and
 * get their placeholders at the same places. What
 * differs is the text the clusterer sees where a digit stays in a word the masks keep (`225ms`,
 * `ssh2`, `<NUM>.7ms`, `ch_8391d0ad`): such a token's text is rebuilt from the message (`maskedTokens`). A test keeps the default masks to
 * this (messageShapes.test.ts); other mask lists do not get shapes (templateMiner.ts).
 *
 * Only messages whose tokens tile the text exactly (single spaces, no leading or trailing space)
 * and that contain no `<` (which could be read as a placeholder) get a shape. Others are mined
 * as before. Pure data structure, no I/O.
 */
import { type DrainMemo, newDrainMemo } from './drain';
import type { MessageTokens } from './messageTokens';
import { ShapeKernel } from './shapeKernel';
import { matchesText, quickShapeKeyOfText, SPAN, shapeCodes, spansOf, UUID_HEX } from './shapePattern';

export interface MessageShape {
  /** What the clusterer sees (shared by every message of the shape; never changed). */
  readonly masked: string[];
  /** Token k is `message.slice(tokenSpans[2k], tokenSpans[2k + 1])`. */
  readonly tokenSpans: Int32Array;
  /** The values of token k are the spans valueSpans[2v], valueSpans[2v + 1] for v in valueStarts[k] .. valueStarts[k + 1]. */
  readonly valueStarts: Int32Array;
  readonly valueSpans: Int32Array;
  /**
   * Tokens whose digits the clusterer sees (`225ms`, `<NUM>.7ms`), rebuilt from each message: the
   * token's index, then its parts, a placeholder or the start and end of a text in the message.
   */
  readonly digitTokens: ReadonlyArray<{ token: number; parts: ReadonlyArray<string | number> }> | null;
  /** The clusterer's memo for the masked tokens (drain.ts); `varying` names the tokens with digits. */
  readonly memo: DrainMemo | undefined;
}

/** What the clusterer sees of `message`, a message of this shape. */
export function maskedTokens(shape: MessageShape, message: string): string[] {
  return maskedTokensReading(shape, (from, to) => message.slice(from, to));
}

/**
 * `maskedTokens` for a message of this shape given as the bytes from `start` (a shape found on
 * bytes is printable ASCII: its offsets are byte offsets): only the tokens with digits are decoded,
 * not the whole message.
 */
export function maskedTokensOfBytes(shape: MessageShape, bytes: Uint8Array, start: number): string[] {
  return maskedTokensReading(shape, (from, to) => {
    let text = '';
    for (let i = start + from; i < start + to; i++) text += String.fromCharCode(bytes[i]);
    return text;
  });
}

/** The shape's masked tokens with its tokens with digits rebuilt from the message, read by `text(from, to)`. */
function maskedTokensReading(shape: MessageShape, text: (from: number, to: number) => string): string[] {
  const { digitTokens } = shape;
  if (!digitTokens) return shape.masked;
  const masked = shape.masked.slice();
  for (const { token, parts } of digitTokens) {
    let built = '';
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p];
      built += typeof part === 'string' ? part : text(part, parts[++p] as number);
    }
    masked[token] = built;
  }
  return masked;
}

interface Entry extends MessageShape {
  /** The shape's text (shapePattern.ts `shapeCodes` of the first message), as character codes (faster to read than a string slice). */
  readonly pattern: Uint16Array;
  /** Its spans' starts, ends and needs (shapePattern.ts `spansOf`). */
  readonly spans: Int32Array;
  /** Whether the shape is of printable ASCII (space to `~`, and spans): only such a shape is found on bytes. */
  readonly printable: boolean;
  /** Another shape with the same hash. */
  next: Entry | undefined;
}

/**
 * Shapes remembered; past it the cache starts over (memory stays bounded). 20K, not 50K: on
 * generated logs the cache fills only after ~7M messages, and those ~55 MB of V8 heap were most of
 * `parse`'s memory growth from 1M to 10M logs; with 20K, 1M messages mine with exactly the same
 * shape misses and 10M with 9 % more (decision 85).
 */
const MAX_SHAPES = 20_000;
/** Shapes kept per hash value (collisions only): lookups stay short whatever the input. */
const MAX_CHAIN = 4;
/**
 * Slots of the guesses (a power of two). 2^14 rather than 2^12: on 1M generated messages fewer
 * guesses collide, and `find` takes 0.41 s instead of 0.44 s (decision 81); it holds at most 32K
 * shapes beyond the ones `byHash` has dropped.
 */
const GUESSES = 1 << 14;
/** Hashes of shapes seen once; past it the set starts over. */
const MAX_SEEN = 200_000;

export class MessageShapes {
  private readonly byHash = new Map<number, Entry>();
  private size = 0;
  /**
   * Shapes seen once, by hash: a shape is remembered the second time it comes. Most shapes that
   * come once never come again (a fresh id with letters in it: 122K of the 137K shapes in 1M
   * generated messages), and remembering them cost more than it saved.
   */
  private readonly seen = new Set<number>();
  /** Hashes of shapes that cannot be remembered (see the file comment): not tried again. */
  private readonly never = new Set<number>();
  /** The hash of the message last looked up (`find` then `remember` on a miss). */
  private lastHash = 0;
  /** The printable shapes of `byHash` again, numbered in WebAssembly for `findBytes` and `numberBytes` (decision 116), and each number's shape. */
  private readonly kernel = new ShapeKernel(MAX_SHAPES);
  private readonly numbered: Entry[] = [];
  /** Counts the times the shapes started over: a number is valid only in its generation. */
  private generation = 0;

  /**
   * The two shapes `find` last found per slot of the message's hash (`quickShapeKeyOfText`, also
   * the key of `byHash`): usually the first is the message's shape (96 % of 1M generated
   * messages), confirmed in one pass over the message, with no Map lookup.
   */
  private readonly guesses: Array<Entry | undefined> = new Array(2 * GUESSES);

  /** The shape of `message`, if one was remembered. */
  find(message: string): MessageShape | undefined {
    const n = message.length;
    // Two guesses per key, the last found first: shapes of one key (a coarser class) may take turns.
    const key = quickShapeKeyOfText(message);
    const slot = (key & (GUESSES - 1)) << 1;
    const guesses = this.guesses;
    const first = guesses[slot];
    if (first && sameShape(first, message, n)) return first;
    const second = guesses[slot + 1];
    if (second && sameShape(second, message, n)) {
      guesses[slot + 1] = first;
      guesses[slot] = second;
      return second;
    }
    this.lastHash = key;
    let found = this.byHash.get(key);
    while (found && !sameShape(found, message, n)) found = found.next;
    if (found) {
      guesses[slot + 1] = first;
      guesses[slot] = found;
    }
    return found;
  }

  /**
   * `find` for a message given as UTF-8 bytes (`bytes[start..end)`): only shapes of printable
   * ASCII are found, so a message found here is ASCII and its character offsets are its byte
   * offsets. Undefined when no such shape is remembered; the caller then decodes the message and
   * takes `find`'s path, which is also the only one that remembers shapes.
   */
  findBytes(bytes: Uint8Array, start: number, end: number): MessageShape | undefined {
    const number = this.kernel.numberOne(bytes, start, end);
    return number >= 0 ? this.numbered[number] : undefined;
  }

  /**
   * Remembers the shape of `message` from its tokens (the message `find` just missed), and returns
   * it; undefined when the message cannot have one (see the file comment).
   */
  remember(message: string, tokens: MessageTokens): MessageShape | undefined {
    if (this.never.has(this.lastHash)) return undefined;
    if (!this.seen.has(this.lastHash)) {
      if (this.seen.size >= MAX_SEEN) {
        this.seen.clear();
        this.never.clear();
      }
      this.seen.add(this.lastHash);
      return undefined;
    }
    const entry = entryFor(message, tokens);
    if (!entry) {
      // Whether a message tiles, has `<` or reads back through its masks depends on its shape only.
      this.never.add(this.lastHash);
      return undefined;
    }
    if (this.size >= MAX_SHAPES) {
      this.byHash.clear();
      this.size = 0;
      this.kernel.clear();
      this.numbered.length = 0;
      this.generation++;
    }
    let chain = 0;
    for (let e = this.byHash.get(this.lastHash); e; e = e.next) if (++chain >= MAX_CHAIN) return entry;
    entry.next = this.byHash.get(this.lastHash);
    this.byHash.set(this.lastHash, entry);
    this.size++;
    if (entry.printable) {
      // The kernel holds as many shapes as `byHash` and starts over with it: never full here.
      const number = this.kernel.add(entry.pattern);
      if (number >= 0) this.numbered[number] = entry;
    }
    return entry;
  }

  /**
   * `findBytes` for many messages in one call: writes to `out[i - from]` the number of the shape
   * of `bytes[starts[i]..ends[i])` for each i of from..to (-1: none remembered, or a negative
   * start); `numberedShape` gives the shape. The lookup of `findBytes`, in WebAssembly (decision 116).
   * Returns the generation the numbers belong to.
   */
  numberBytes(bytes: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>, from: number, to: number, out: Int32Array): number {
    this.kernel.numberLines(bytes, starts, ends, from, to, out);
    return this.generation;
  }

  /** The shape numbered `n` by a `numberBytes` that returned `generation`; undefined when the shapes have started over since. */
  numberedShape(n: number, generation: number): MessageShape | undefined {
    return generation === this.generation ? this.numbered[n] : undefined;
  }
}

function sameShape(e: Entry, message: string, n: number): boolean {
  return e.pattern.length === n && matchesText(e.pattern, e.spans, message);
}

/**
 * A copy of `text` that holds no reference to a larger string. A line is a slice of the chunk it
 * was read in (1 MiB), and so are its tokens: a remembered shape must not keep whole chunks alive,
 * or memory would grow with the file. Concatenating and slicing makes V8 copy the text.
 */
function detached(text: string): string {
  return (' ' + text).slice(1);
}

/** Where the tokens and values of `message` are, or undefined when they do not tile it exactly. */
function entryFor(message: string, { tokens, masked, values }: MessageTokens): Entry | undefined {
  // U+0000 and U+0001 would read as a span's codes (shapePattern.ts SPAN, UUID_HEX).
  if (message.indexOf('<') >= 0 || message.indexOf('\0') >= 0 || message.indexOf('\u0001') >= 0) return undefined;
  const count = tokens.length;
  const tokenSpans = new Int32Array(2 * count);
  const valueStarts = new Int32Array(count + 1);
  let valueCount = 0;
  for (let k = 0; k < count; k++) valueCount += values[k].length;
  const valueSpans = new Int32Array(2 * valueCount);
  const digitTokens: Array<{ token: number; parts: Array<string | number> }> = [];
  let pos = 0;
  let v = 0;
  for (let k = 0; k < count; k++) {
    const token = tokens[k];
    if (k > 0 && message.charCodeAt(pos++) !== 32) return undefined;
    if (!message.startsWith(token, pos)) return undefined;
    tokenSpans[2 * k] = pos;
    tokenSpans[2 * k + 1] = pos + token.length;
    valueStarts[k] = v;
    // Walk the masked text along the token: text is text, a placeholder stands for the next value.
    const text = masked[k];
    const tokenValues = values[k];
    let t = 0;
    let used = 0;
    let digits = false;
    /** The token as parts (see MessageShape.digitTokens); `open`: where the current text part began. */
    const parts: Array<string | number> = [];
    let open = 0;
    for (let j = 0; j < text.length; ) {
      if (text.charCodeAt(j) === 60 /* < */) {
        const close = text.indexOf('>', j + 1);
        const value = tokenValues[used++];
        if (close < 0 || value === undefined || !token.startsWith(value, t)) return undefined;
        if (t > open) parts.push(pos + open, pos + t);
        parts.push(text.slice(j, close + 1));
        open = t + value.length;
        valueSpans[2 * v] = pos + t;
        valueSpans[2 * v + 1] = pos + t + value.length;
        v++;
        t += value.length;
        j = close + 1;
        continue;
      }
      const c = text.charCodeAt(j);
      if (c !== token.charCodeAt(t)) return undefined;
      if (c >= 48 && c <= 57) digits = true;
      t++;
      j++;
    }
    if (t !== token.length || used !== tokenValues.length) return undefined;
    if (digits) {
      if (t > open) parts.push(pos + open, pos + t);
      digitTokens.push({ token: k, parts });
    }
    pos += token.length;
  }
  if (pos !== message.length) return undefined;
  valueStarts[count] = v;
  const chars = new Uint16Array(message.length);
  for (let i = 0; i < chars.length; i++) chars[i] = message.charCodeAt(i);
  const pattern = shapeCodes(chars);
  // Every property written out (no spread): all entries share one hidden class.
  return {
    pattern,
    spans: spansOf(pattern),
    printable: pattern.every((c) => c === SPAN || c === UUID_HEX || (c >= 32 && c <= 126)),
    masked: masked.map(detached),
    tokenSpans,
    valueStarts,
    valueSpans,
    digitTokens: digitTokens.length > 0 ? digitTokens : null,
    // Tokens with digits differ from message to message: Drain keeps the memo only while their text cannot change the match.
    memo: newDrainMemo(digitTokens.length > 0 ? digitTokens.map((d) => d.token) : undefined),
    next: undefined,
  };
}
