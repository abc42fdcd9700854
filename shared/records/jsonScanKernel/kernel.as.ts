/**
 * AssemblyScript, compiled to WebAssembly by `npm run build:kernels` (images/buildKernels.mjs) into
 * kernelWasm.generated.ts; flatJson.ts (`FlatJsonScanner`) is the TypeScript side and its comment
 * says what a scan accepts. One JSON line at a time, copied in by the caller: where the values of
 * the given keys sit, their kinds and their escapes, or 0 for a line this reader does not handle.
 * String content, most of a line's bytes, is read sixteen bytes at a time (decision 117).
 *
 * Memory, from the heap base, fixed at `setup` (it never grows afterwards, so the caller's views of
 * it stay valid): the keys' lengths and starts, the key that followed each slot, the results per
 * key (start, end), the keys found by the last scan, the results per key (kind, escapes), the keys'
 * bytes, then the line, with 16 bytes after it that a read of sixteen may touch but never takes.
 */

import { align16, ensure } from '../../kernelMemory.as';

const ABSENT: u8 = 0;
const STRING: u8 = 1;
const NUMBER: u8 = 2;
const TRUE: u8 = 3;
const FALSE: u8 = 4;
const NULL: u8 = 5;
const NO_ESCAPES: u8 = 0;
const SHORT_ESCAPES: u8 = 1;
const UNICODE_ESCAPES: u8 = 2;

let keyCount: i32 = 0;
let keyLengths: usize = 0;
let keyStarts: usize = 0;
let keyBytes: usize = 0;
/** Per slot (0: a line's first key, k + 1: after key k): the key that followed last time, or -1. */
let nextKey: usize = 0;
let kinds: usize = 0;
let starts: usize = 0;
let ends: usize = 0;
let escapeKinds: usize = 0;
/** The keys found by the last scan: only their kinds are reset by the next. */
let found: usize = 0;
let foundCount: i32 = 0;
let line: usize = 0;
let lineCapacity: i32 = 0;

/**
 * Lays memory out for `count` keys of `bytes` bytes in all and lines up to `capacity` bytes. The
 * caller then writes each key's length at `keyLengthsAt()` and the keys' bytes, one after another,
 * at `keyBytesAt()`, and calls `keysWritten`.
 */
export function setup(count: i32, bytes: i32, capacity: i32): void {
  keyCount = count;
  keyLengths = align16(__heap_base);
  keyStarts = keyLengths + (<usize>count << 2);
  nextKey = keyStarts + (<usize>count << 2);
  starts = align16(nextKey + (<usize>(count + 1) << 2));
  ends = starts + (<usize>count << 2);
  found = ends + (<usize>count << 2);
  kinds = found + (<usize>count << 2);
  escapeKinds = kinds + <usize>count;
  keyBytes = escapeKinds + <usize>count;
  line = align16(keyBytes + <usize>bytes);
  lineCapacity = capacity;
  ensure(line + <usize>capacity + 16);
  memory.fill(keyLengths, 0, line - keyLengths);
  for (let k = 0; k <= count; k++) store<i32>(nextKey + (<usize>k << 2), -1);
  foundCount = 0;
}
export function keyLengthsAt(): usize {
  return keyLengths;
}
export function keyBytesAt(): usize {
  return keyBytes;
}
export function keysWritten(): void {
  let at = 0;
  for (let k = 0; k < keyCount; k++) {
    store<i32>(keyStarts + (<usize>k << 2), at);
    at += load<i32>(keyLengths + (<usize>k << 2));
  }
}
export function lineAt(): usize {
  return line;
}
export function kindsAt(): usize {
  return kinds;
}
export function startsAt(): usize {
  return starts;
}
export function endsAt(): usize {
  return ends;
}
export function escapesAt(): usize {
  return escapeKinds;
}

@inline function byte(i: i32): i32 {
  return <i32>load<u8>(line + <usize>i);
}

/** JSON's whitespace (space, tab, CR, LF): what JSON.parse skips, and nothing else. */
function skipSpace(i: i32, to: i32): i32 {
  while (i < to) {
    const c = byte(i);
    if (c != 0x20 && c != 0x09 && c != 0x0d && c != 0x0a) break;
    i++;
  }
  return i;
}

@inline function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function isHex4(i: i32, to: i32): bool {
  if (i + 4 > to) return false;
  for (let k = i; k < i + 4; k++) {
    const c = byte(k);
    if (!(isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

@inline function isShortEscape(e: i32): bool {
  return e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74;
}

/** The end of JSON's number grammar from i (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), or -1. */
function numberEnd(i: i32, to: i32): i32 {
  if (byte(i) == 0x2d) i++;
  if (i >= to) return -1;
  if (byte(i) == 0x30) i++;
  else if (byte(i) >= 0x31 && byte(i) <= 0x39) while (i < to && isDigit(byte(i))) i++;
  else return -1;
  if (i < to && byte(i) == 0x2e) {
    const digits = ++i;
    while (i < to && isDigit(byte(i))) i++;
    if (i == digits) return -1;
  }
  if (i < to && (byte(i) == 0x65 || byte(i) == 0x45)) {
    i++;
    if (i < to && (byte(i) == 0x2b || byte(i) == 0x2d)) i++;
    const digits = i;
    while (i < to && isDigit(byte(i))) i++;
    if (i == digits) return -1;
  }
  return i;
}

/** Whether key k's bytes are the line's from `at` to `at + length`. */
function keyIs(k: i32, at: i32, length: i32): bool {
  if (load<i32>(keyLengths + (<usize>k << 2)) != length) return false;
  const bytes = keyBytes + <usize>load<i32>(keyStarts + (<usize>k << 2));
  for (let i = 0; i < length; i++) if (load<u8>(bytes + <usize>i) != load<u8>(line + <usize>(at + i))) return false;
  return true;
}

/** The first byte from j that is a quote, a backslash or a control character (below 0x20), or a place at or past `to`. */
@inline function stringSpecial(j: i32, to: i32): i32 {
  while (j < to) {
    const m = v128.load(line + <usize>j);
    const special = v128.or(v128.or(i8x16.eq(m, i8x16.splat(0x22)), i8x16.eq(m, i8x16.splat(0x5c))), i8x16.lt_u(m, i8x16.splat(0x20)));
    const bits = i8x16.bitmask(special);
    if (bits != 0) return j + <i32>ctz(bits);
    j += 16;
  }
  return j;
}

/**
 * Reads the `length` bytes at `lineAt()`: 1 when they are a flat JSON object this reader handles,
 * with each given key's kind, value span (plus `base`; a string's without its quotes) and escapes;
 * 0 otherwise (the caller takes JSON.parse's path, which names the reason).
 */
export function scan(length: i32, base: i32): i32 {
  if (length > lineCapacity) return 0;
  for (let f = 0; f < foundCount; f++) store<u8>(kinds + <usize>load<i32>(found + (<usize>f << 2)), ABSENT);
  foundCount = 0;
  const to = length;
  let slot = 0;
  let i = skipSpace(0, to);
  if (i >= to || byte(i) != 0x7b) return 0;
  i = skipSpace(i + 1, to);
  if (i < to && byte(i) == 0x7d) return skipSpace(i + 1, to) == to ? 1 : 0;
  for (;;) {
    if (i >= to || byte(i) != 0x22) return 0;
    const keyStart = i + 1;
    let j = -1;
    let index = load<i32>(nextKey + (<usize>slot << 2));
    if (index >= 0) {
      const keyEnd = keyStart + load<i32>(keyLengths + (<usize>index << 2));
      if (keyEnd < to && byte(keyEnd) == 0x22 && keyIs(index, keyStart, keyEnd - keyStart)) j = keyEnd;
    }
    if (j < 0) {
      j = keyStart;
      while (j < to && byte(j) != 0x22) {
        if (byte(j) == 0x5c || byte(j) < 0x20) return 0; // an escaped key: JSON.parse decides what it names
        j++;
      }
      if (j >= to) return 0;
      index = -1;
      for (let k = 0; k < keyCount; k++) {
        if (keyIs(k, keyStart, j - keyStart)) {
          index = k;
          break;
        }
      }
      if (index >= 0) store<i32>(nextKey + (<usize>slot << 2), index);
    }
    slot = index + 1;
    i = skipSpace(j + 1, to);
    if (i >= to || byte(i) != 0x3a) return 0;
    i = skipSpace(i + 1, to);
    if (i >= to) return 0;
    const c = byte(i);
    let kind: u8;
    let valueStart = i;
    let escapes = NO_ESCAPES;
    if (c == 0x22) {
      valueStart = i + 1;
      j = valueStart;
      for (;;) {
        j = stringSpecial(j, to);
        if (j >= to) return 0;
        const d = byte(j);
        if (d == 0x22) break;
        if (d < 0x20) return 0; // a raw control character: JSON.parse refuses it
        // A backslash.
        const e = j + 1 < to ? byte(j + 1) : -1;
        if (e == 0x75) {
          if (!isHex4(j + 2, to)) return 0;
          escapes = UNICODE_ESCAPES;
          j += 6;
          continue;
        }
        if (!isShortEscape(e)) return 0;
        if (escapes == NO_ESCAPES) escapes = SHORT_ESCAPES;
        j += 2;
      }
      kind = STRING;
      i = j + 1;
    } else if (c == 0x2d || isDigit(c)) {
      i = numberEnd(i, to);
      if (i < 0) return 0;
      kind = NUMBER;
    } else if (c == 0x74 && i + 4 <= to && byte(i + 1) == 0x72 && byte(i + 2) == 0x75 && byte(i + 3) == 0x65) {
      kind = TRUE;
      i += 4;
    } else if (c == 0x66 && i + 5 <= to && byte(i + 1) == 0x61 && byte(i + 2) == 0x6c && byte(i + 3) == 0x73 && byte(i + 4) == 0x65) {
      kind = FALSE;
      i += 5;
    } else if (c == 0x6e && i + 4 <= to && byte(i + 1) == 0x75 && byte(i + 2) == 0x6c && byte(i + 3) == 0x6c) {
      kind = NULL;
      i += 4;
    } else return 0; // an object, an array or not JSON
    if (index >= 0) {
      if (load<u8>(kinds + <usize>index) != ABSENT) return 0; // a repeated key: JSON.parse keeps the last
      store<u8>(kinds + <usize>index, kind);
      store<i32>(found + (<usize>foundCount << 2), index);
      foundCount++;
      store<i32>(starts + (<usize>index << 2), base + valueStart);
      store<i32>(ends + (<usize>index << 2), base + (kind == STRING ? i - 1 : i));
      store<u8>(escapeKinds + <usize>index, escapes);
    }
    i = skipSpace(i, to);
    if (i >= to) return 0;
    if (byte(i) == 0x2c) {
      i = skipSpace(i + 1, to);
      continue;
    }
    if (byte(i) == 0x7d) return skipSpace(i + 1, to) == to ? 1 : 0;
    return 0;
  }
}
