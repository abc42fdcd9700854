/**
 * A byte-level reader for one JSON line that is a flat object (values: strings, numbers, true, false,
 * null), over the decompressed file's bytes: ingest's generated and logger-written lines, without
 * JSON.parse's object and a JS string per line and per value (those and their GC were a third of
 * ingest; docs/decisions.md 78). It only finds where the values of the keys it is given sit;
 * anything it does not handle (a nested value, a key with an escape, a repeated key it reads, a
 * byte JSON.parse would refuse) makes `scan` return false, and the caller takes the JSON.parse
 * path, which names the reason. So it never accepts a
 * line JSON.parse refuses, and the spans it gives are JSON.parse's values.
 */

export const ABSENT = 0;
export const STRING = 1;
export const NUMBER = 2;
export const TRUE = 3;
export const FALSE = 4;
export const NULL = 5;

/** A string value's escapes: none, only the one-character ones (`\"`, `\n`, ...), or some `\uXXXX`. */
export const NO_ESCAPES = 0;
export const SHORT_ESCAPES = 1;
export const UNICODE_ESCAPES = 2;

export class FlatJsonScanner {
  /** Per key (its index in the constructor's list): ABSENT, STRING, NUMBER, TRUE, FALSE or NULL. */
  readonly kind: Uint8Array;
  /** The value's bytes [start, end): a string's without its quotes, still escaped. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly escapes: Uint8Array;
  /** Keys by byte length: each key's bytes and its index. */
  private readonly byLength: { bytes: Uint8Array; index: number }[][] = [];
  /** Each key's bytes, by index. */
  private readonly keyBytes: Uint8Array[] = [];
  /**
   * The key that followed each key (slot index + 1; slot 0: the first key of a line) the last time
   * it was seen, or -1: lines of one source repeat their keys in the same order, so the next key is
   * checked against this guess first (its bytes and the closing quote after them) before the
   * search by length. Finding the key was about a third of `scan` (decision 92).
   */
  private readonly nextKey: Int32Array;
  /** The keys set by the last scan (their `kind` is reset by the next one, instead of clearing all). */
  private readonly found: Int32Array;
  private foundCount = 0;
  /** The last scanned buffer's ArrayBuffer as 32-bit words, for reading string content four bytes at a time. */
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private wordsOf: Uint8Array | undefined;

  constructor(keys: readonly string[]) {
    const n = keys.length;
    this.kind = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.escapes = new Uint8Array(n);
    this.nextKey = new Int32Array(n + 1).fill(-1);
    this.found = new Int32Array(n);
    keys.forEach((key, index) => {
      const bytes = Buffer.from(key, 'latin1');
      // A guessed key is taken on its bytes and the quote after them: sound only for keys the search
      // would find the same way (no quote, backslash or control character in them).
      if (bytes.some((c) => c === 0x22 || c === 0x5c || c < 0x20)) throw new Error(`FlatJsonScanner: key ${JSON.stringify(key)} needs escaping`);
      this.keyBytes.push(bytes);
      (this.byLength[bytes.length] ??= []).push({ bytes, index });
    });
  }

  /** Reads the line b[from, to); false when it is not a flat object this reader handles. */
  scan(b: Uint8Array, from: number, to: number): boolean {
    const found = this.found;
    for (let f = 0; f < this.foundCount; f++) this.kind[found[f]] = ABSENT;
    this.foundCount = 0;
    const nextKey = this.nextKey;
    let slot = 0;
    if (b !== this.wordsOf) {
      this.wordsOf = b;
      this.words = new Int32Array(b.buffer, 0, b.buffer.byteLength >> 2);
    }
    const words = this.words;
    const base = b.byteOffset;
    let i = skipSpace(b, from, to);
    if (i >= to || b[i] !== 0x7b /* { */) return false;
    i = skipSpace(b, i + 1, to);
    if (i < to && b[i] === 0x7d /* } */) return skipSpace(b, i + 1, to) === to;
    for (;;) {
      if (i >= to || b[i] !== 0x22 /* " */) return false;
      const keyStart = i + 1;
      let j = -1;
      let index = nextKey[slot];
      if (index >= 0) {
        const kb = this.keyBytes[index];
        const end = keyStart + kb.length;
        if (end < to && b[end] === 0x22) {
          let k = 0;
          while (k < kb.length && kb[k] === b[keyStart + k]) k++;
          if (k === kb.length) j = end;
        }
      }
      if (j < 0) {
        j = keyStart;
        while (j < to && b[j] !== 0x22) {
          if (b[j] === 0x5c || b[j] < 0x20) return false; // an escaped key: JSON.parse decides what it names
          j++;
        }
        if (j >= to) return false;
        index = this.keyIndex(b, keyStart, j);
        if (index >= 0) nextKey[slot] = index;
      }
      slot = index + 1;
      i = skipSpace(b, j + 1, to);
      if (i >= to || b[i] !== 0x3a /* : */) return false;
      i = skipSpace(b, i + 1, to);
      if (i >= to) return false;
      const c = b[i];
      let kind: number;
      let valueStart = i;
      let escapes = NO_ESCAPES;
      if (c === 0x22) {
        valueStart = i + 1;
        j = valueStart;
        for (;;) {
          // The hot loop of ingest: four bytes at a time where aligned, else one table load per byte.
          while (j < to && STRING_SPECIAL[b[j]] === 0) {
            j++;
            if (((base + j) & 3) === 0) while (j + 4 <= to && !hasStringSpecial(words[(base + j) >> 2])) j += 4;
          }
          if (j >= to) return false;
          const d = b[j];
          if (d === 0x22) break;
          if (d < 0x20) return false; // a raw control character: JSON.parse refuses it
          if (d === 0x5c) {
            const e = b[j + 1];
            if (e === 0x75 /* u */) {
              if (!isHex4(b, j + 2, to)) return false;
              escapes = UNICODE_ESCAPES;
              j += 6;
              continue;
            }
            if (!isShortEscape(e)) return false;
            if (escapes === NO_ESCAPES) escapes = SHORT_ESCAPES;
            j += 2;
          }
        }
        kind = STRING;
        i = j + 1;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        i = numberEnd(b, i, to);
        if (i < 0) return false;
        kind = NUMBER;
      } else if (c === 0x74 && i + 4 <= to && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
        kind = TRUE;
        i += 4;
      } else if (c === 0x66 && i + 5 <= to && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
        kind = FALSE;
        i += 5;
      } else if (c === 0x6e && i + 4 <= to && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) {
        kind = NULL;
        i += 4;
      } else return false; // an object, an array or not JSON
      if (index >= 0) {
        if (this.kind[index] !== ABSENT) return false; // a repeated key: JSON.parse keeps the last
        this.kind[index] = kind;
        found[this.foundCount++] = index;
        this.start[index] = valueStart;
        this.end[index] = kind === STRING ? i - 1 : i;
        this.escapes[index] = escapes;
      }
      i = skipSpace(b, i, to);
      if (i >= to) return false;
      if (b[i] === 0x2c /* , */) {
        i = skipSpace(b, i + 1, to);
        continue;
      }
      if (b[i] === 0x7d) return skipSpace(b, i + 1, to) === to;
      return false;
    }
  }

  private keyIndex(b: Uint8Array, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    for (const { bytes, index } of candidates) {
      let k = 0;
      while (k < bytes.length && bytes[k] === b[start + k]) k++;
      if (k === bytes.length) return index;
    }
    return -1;
  }
}

/** Bytes that end a run of plain string content: the quote, the backslash and control characters. */
const STRING_SPECIAL = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_SPECIAL[c] = 1;
STRING_SPECIAL[0x22] = 1;
STRING_SPECIAL[0x5c] = 1;

/**
 * Whether any of a word's four bytes is a quote, a backslash or a control character (< 0x20):
 * the classic zero-byte tests (`haszero(x ^ 0x22…)`, `hasless(x, 0x20)`), exact for "any byte".
 * Bytes of 0x80 and above (UTF-8 sequences) never match. Int32 arithmetic wraps as it should.
 */
function hasStringSpecial(x: number): boolean {
  const q = x ^ 0x22222222;
  const s = x ^ 0x5c5c5c5c;
  return ((((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((x - 0x20202020) & ~x)) & 0x80808080) !== 0;
}

/** JSON's whitespace (space, tab, CR, LF): what JSON.parse skips, and nothing else. */
function skipSpace(b: Uint8Array, i: number, to: number): number {
  while (i < to) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    i++;
  }
  return i;
}

const isShortEscape = (e: number) => e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74;

function isHex4(b: Uint8Array, i: number, to: number): boolean {
  if (i + 4 > to) return false;
  for (let k = i; k < i + 4; k++) {
    const c = b[k];
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** The end of JSON's number grammar from i (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), or -1. */
function numberEnd(b: Uint8Array, i: number, to: number): number {
  if (b[i] === 0x2d) i++;
  if (i >= to) return -1;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (i < to && isDigit(b[i])) i++;
  else return -1;
  if (i < to && b[i] === 0x2e) {
    const digits = ++i;
    while (i < to && isDigit(b[i])) i++;
    if (i === digits) return -1;
  }
  if (i < to && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < to && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    const digits = i;
    while (i < to && isDigit(b[i])) i++;
    if (i === digits) return -1;
  }
  return i;
}

/**
 * A number's value as JSON.parse gives it. Up to 15 significant digits with an optional fraction
 * and no exponent: the digits as an integer (exact below 2^53) divided by a power of ten (exact up
 * to 10^22), one correctly rounded division, so the nearest double as JSON.parse finds it (Clinger's
 * fast path). Anything else through Number, whose grammar includes JSON's and which rounds the same.
 */
export function numberValue(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  if (end - i <= 16) {
    let v = 0;
    let digits = 0;
    let fraction = -1;
    for (; i < end; i++) {
      const c = b[i];
      if (c === 0x2e) fraction = 0;
      else if (c >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        digits++;
        if (fraction >= 0) fraction++;
      } else return slowNumber(b, start, end); // an exponent
    }
    if (digits <= 15) {
      const value = fraction > 0 ? v / POWERS_OF_TEN[fraction] : v;
      return negative ? -value : value;
    }
  }
  return slowNumber(b, start, end);
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);
const slowNumber = (b: Buffer, start: number, end: number) => Number(b.toString('latin1', start, end));

/**
 * Writes the string value src[start, end) without its one-character escapes into out at pos and
 * returns the end (the caller gives room for end - start bytes; a `\uXXXX` is not handled here).
 */
export function unescapeShort(src: Uint8Array, start: number, end: number, out: Uint8Array, pos: number): number {
  for (let i = start; i < end; i++) {
    const c = src[i];
    if (c !== 0x5c) {
      out[pos++] = c;
      continue;
    }
    const e = src[++i];
    out[pos++] = e === 0x62 ? 0x08 : e === 0x66 ? 0x0c : e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e; // \" \\ \/ are themselves
  }
  return pos;
}
