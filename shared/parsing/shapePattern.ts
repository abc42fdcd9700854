/**
 * The one rule of message shapes (messageShapes.ts; on bytes the shape kernel, shapeKernel.ts, used
 * by `parse`, `templates` and its reading threads): which messages tokenize, mask and split into
 * parameters alike, so that one message's result serves the others. Pure.
 *
 * A message's shape is the message with
 * - every digit `1`, except a `0` before `x`/`X` (the default rules treat digits 0–9 as one class;
 *   only HEX's `0x` names one: messageShapes.ts);
 * - every hex span `SPAN`: a maximal run of hex characters ([0-9a-fA-F]) with at least one digit
 *   and one letter, where the default rules cannot tell one such run from another (`job-632c22f0`,
 *   `ch_8391d0ad`, a trace id). See `hexSpanAt` for where that holds and why;
 * - every hex character of a canonical UUID `UUID_HEX` (its dashes stay), where UUID always masks it
 *   whole, whatever its groups hold (`0000`, `beef`, `4a5c`): see `uuidAt`.
 *
 * The hashes and quick keys are coarser: every hex character (digits and a–f, A–F anywhere) reads
 * as `1` (`hashCode`, `classWord`), so they are functions of the shape without finding its spans;
 * a shape is then confirmed exactly (`matchesText`, and the kernel on bytes).
 */

/** The code of a position in a hex span: below space, never the code of a character of a remembered shape (messages with NUL get none). */
export const SPAN = 0;
/** The code of a hex character of a UUID (messages with U+0001 get no shape). */
export const UUID_HEX = 1;

const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isHexCode = (c: number) => isDigitCode(c) || ((c | 32) >= 97 && (c | 32) <= 102);
/** A character of `\w`: what the masks' word-boundary lookarounds look at. */
const isWordCode = (c: number) => isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * Whether the hex run `chars[from..to)` (maximal, with a digit and a letter) is a span: every such
 * run there masks and splits alike (proved by reading the rules below; tested on random messages in
 * shapePattern.test.ts). Only these places, each for a reason:
 * - after it: the message's end, a space, `-`, `/` or `:`. Not `.` (IP's first octet could end in
 *   it: `…cd34.1.2.3`), not a letter or `_` (the word would go on: `12ab34gz` is no HEX), nor
 *   brackets and such (no need seen).
 * - before it, a word of its own (the message's start or a space; `/`): then at least 6 long,
 *   so that HEX (`[0-9a-fA-F]{6,}` with a letter and a digit) always masks it and nothing keyed
 *   on a token's first character (named values' IDENTIFIER, numbered names, valueRuns' dispatch)
 *   sees it as a plain word;
 * - or before it `-` or `_` glued to a word character (`job-`, `ch_`, a UUID's `-`): at least 4
 *   long; the token then starts elsewhere, a `-` is no sign (the `-0530` zone of a date, NUM's sign)
 *   and HEX and NUM see no boundary inside it; never after `blk_` (BLK takes `blk_-?\d+`, digits only).
 * Nowhere in a message with `://` (URL's scheme starts at a letter: `a1b2c3-x://` vs `1a2b3c-x://`).
 * Lengths never change within a shape, so rules keyed on a token's length (UUID's 36, a date's
 * `head[4]`) see the same lengths.
 */
function hexSpanAt(chars: ArrayLike<number>, from: number, to: number, n: number): boolean {
  if (to < n) {
    const after = chars[to];
    if (after !== 32 && after !== 45 && after !== 47 && after !== 58) return false;
  }
  const before = from > 0 ? chars[from - 1] : 32;
  if (before === 32 || before === 47) return to - from >= 6;
  if ((before === 45 || before === 95) && from >= 2 && isWordCode(chars[from - 2])) return to - from >= 4 && !blkBefore(chars, before === 45 ? from - 1 : from);
  return false;
}

/**
 * Whether a canonical UUID (8-4-4-4-12 hex characters, either case) starts at `from` where the
 * UUID mask, the first rule, always masks it whole: then no later rule and no token rule sees its
 * characters. Around it the places of `hexSpanAt` for a word of its own or one glued by `-`: UUID's
 * lookarounds need a non-word character on each side (not `_`), and the same reasons hold (a date's
 * `-0530` zone, BLK's digits after `blk_-`, IP's octets next to a `.`).
 */
function uuidAt(chars: ArrayLike<number>, from: number, n: number): boolean {
  const to = from + 36;
  if (to > n) return false;
  for (let i = from; i < to; i++) {
    const k = i - from;
    if (k === 8 || k === 13 || k === 18 || k === 23 ? chars[i] !== 45 : !isHexCode(chars[i])) return false;
  }
  if (to < n) {
    const after = chars[to];
    if (after !== 32 && after !== 45 && after !== 47 && after !== 58) return false;
  }
  const before = from > 0 ? chars[from - 1] : 32;
  return before === 32 || before === 47 || (before === 45 && from >= 2 && isWordCode(chars[from - 2]) && !blkBefore(chars, from - 1));
}

/** Whether `blk_` ends right before `at`. */
function blkBefore(chars: ArrayLike<number>, at: number): boolean {
  return at >= 4 && chars[at - 4] === 98 && chars[at - 3] === 108 && chars[at - 2] === 107 && chars[at - 1] === 95;
}

/** Whether `://` occurs in `chars`. */
function hasSchemeSeparator(chars: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i + 2 < n; i++) if (chars[i] === 58 && chars[i + 1] === 47 && chars[i + 2] === 47) return true;
  return false;
}

/**
 * The shape of a message given as its character codes (a string's, or the bytes of an ASCII
 * message): digits `1` (a `0` before `x`/`X` stays), hex spans `SPAN`, every other code itself.
 */
export function shapeCodes(chars: ArrayLike<number>): Uint16Array {
  const n = chars.length;
  const codes = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const c = chars[i];
    codes[i] = !isDigitCode(c) ? c : c === 48 && i + 1 < n && (chars[i + 1] | 32) === 120 ? 48 : 49;
  }
  if (hasSchemeSeparator(chars, n)) return codes;
  for (let i = 0; i + 36 <= n; i++) {
    if (!uuidAt(chars, i, n)) continue;
    for (let k = 0; k < 36; k++) if (k !== 8 && k !== 13 && k !== 18 && k !== 23) codes[i + k] = UUID_HEX;
    i += 35;
  }
  for (let i = 0; i < n; ) {
    if (!isHexCode(chars[i]) || codes[i] === UUID_HEX) {
      i++;
      continue;
    }
    let j = i;
    let digits = false;
    let letters = false;
    for (; j < n && isHexCode(chars[j]); j++) {
      if (isDigitCode(chars[j])) digits = true;
      else letters = true;
    }
    if (digits && letters && hexSpanAt(chars, i, j, n)) codes.fill(SPAN, i, j);
    i = j;
  }
  return codes;
}

/** A character's code in the hashes: every hex character (digit, a–f, A–F) is `1`, a coarser key than the shape, and a function of it. */
export function hashCode(c: number): number {
  return isHexCode(c) ? 49 : c;
}

/** `hashCode` of four bytes of printable ASCII at once (a little-endian word; other bytes give some other word). */
export function classWord(m: number): number {
  const low = m & 0x7f7f7f7f;
  const mask = (((digitBits(low) | hexLetterBits(low)) & 0x80808080) >>> 7) * 0xff;
  return (m & ~mask) | (0x31313131 & mask);
}

/** Bit 7 set in each byte of `low` (a word of seven-bit bytes) that is a digit: the byte XOR 0x30 is below 10, so adding 0x76 leaves bit 7 clear. */
function digitBits(low: number): number {
  return ~((low ^ 0x30303030) + 0x76767676);
}

/**
 * Bit 7 set in each byte of `low` (a word of seven-bit bytes) that is a letter a–f, either case:
 * the byte OR 0x20 is 0x61–0x66 (adding 0x1f sets bit 7, adding 0x19 does not). No carry crosses a byte.
 */
function hexLetterBits(low: number): number {
  const lower = low | 0x20202020;
  return (lower + 0x1f1f1f1f) & ~(lower + 0x19191919);
}

/**
 * A hash of a message's length and its characters as the hashes see them (`classWord`, four
 * bytes at a time, then `hashCode`: every hex character `1`; a function of its shape, coarser than
 * it): where to look its shape up (messageShapes.ts, and the reading threads of `templates`).
 */
export function quickShapeKey(view: DataView, start: number, end: number): number {
  const n = end - start;
  let h = Math.imul(n, 0x9e3779b1);
  let i = start;
  for (const whole = start + (n & ~3); i < whole; i += 4) h = Math.imul(h ^ classWord(view.getInt32(i, true)), 0x01000193);
  for (; i < end; i++) h = Math.imul(h ^ hashCode(view.getUint8(i)), 0x01000193);
  return h ^ (h >>> 15);
}

/**
 * `quickShapeKey` of a message given as a string: the same key for a message of printable ASCII,
 * and for any text a function of its shape (each character's `hashCode`, four to a word).
 */
export function quickShapeKeyOfText(text: string): number {
  const n = text.length;
  let h = Math.imul(n, 0x9e3779b1);
  let i = 0;
  for (const whole = n & ~3; i < whole; i += 4) h = Math.imul(h ^ wordOfText(text, i), 0x01000193);
  for (; i < n; i++) h = Math.imul(h ^ hashCode(text.charCodeAt(i)), 0x01000193);
  return h ^ (h >>> 15);
}

/** `classWord` of four characters from `at` (for ASCII: of their bytes as a little-endian word). */
function wordOfText(text: string, at: number): number {
  return (
    hashCode(text.charCodeAt(at)) |
    (hashCode(text.charCodeAt(at + 1)) << 8) |
    (hashCode(text.charCodeAt(at + 2)) << 16) |
    (hashCode(text.charCodeAt(at + 3)) << 24)
  );
}

/** A character in a span: 1 a digit, 2 a letter a–f or A–F, 0 neither (the span does not match). */
function spanClass(c: number): number {
  return isDigitCode(c) ? 1 : (c | 32) >= 97 && (c | 32) <= 102 ? 2 : 0;
}

/** Each run of SPAN (needs a digit and a letter) or UUID_HEX (hex only) in `codes`: its start, end and need. */
export function spansOf(codes: ArrayLike<number>): Int32Array {
  const spans: number[] = [];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code !== SPAN && code !== UUID_HEX) continue;
    let j = i;
    while (j < codes.length && codes[j] === code) j++;
    spans.push(i, j, code === SPAN ? 3 : 0);
    i = j;
  }
  return Int32Array.from(spans);
}

/** A DataView of exactly the bytes of `bytes`, for four-byte reads (`quickShapeKey`, `isPrintableAscii`). */
export const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Whether `text` has the shape whose codes and spans are given (a shape of any characters): the
 * rule on text. On bytes, the shape kernel applies it (shapeKernel.ts).
 */
export function matchesText(codes: Uint16Array, spans: Int32Array, text: string): boolean {
  const n = text.length;
  if (codes.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const p = codes[i];
    // Equal characters are the same in the shape. Else only a digit where the shape has `1`, and
    // not a `0` before `x` (which the shape keeps as `0`), or anything in a span (checked below).
    if (c !== p && p > UUID_HEX && (p !== 49 || c < 48 || c > 57 || (c === 48 && (text.charCodeAt(i + 1) | 32) === 120))) return false;
  }
  for (let s = 0; s < spans.length; s += 3) {
    let seen = 0;
    for (let i = spans[s]; i < spans[s + 1]; i++) {
      const k = spanClass(text.charCodeAt(i));
      if (k === 0) return false;
      seen |= k;
    }
    if ((seen & spans[s + 2]) !== spans[s + 2]) return false;
  }
  return true;
}
