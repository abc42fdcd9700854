/**
 * AssemblyScript, compiled to WebAssembly by `npm run build:kernels` (images/buildKernels.mjs) into
 * kernelWasm.generated.ts; shapeKernel.ts is the TypeScript side. It numbers the message shapes of
 * many lines in one call, the hot loop of mining known messages (decision 116): a line's bytes are
 * hashed and compared sixteen at a time.
 *
 * The rule is shapePattern.ts's, as `matchesText` applies it to text: where the shape has a literal
 * character the byte equals it; where it has `1` the byte is a digit, and not a `0` before `x`/`X`
 * where the shape keeps `0`; each span is hex (and a hex span has a digit and a letter). The hash is
 * of the line as every hex character reads `1`, a function of the shape.
 *
 * Memory, from the heap base: the hash table (one shape number + 1 per slot, chained through the
 * records), the records (FIELDS i32 per shape), then the shapes' arrays, bump-allocated; a batch of
 * lines is copied in above them for each call. `reset` empties it all.
 */

import { align16, ensure } from '../../kernelMemory.as';

/** Per shape: its length, the offsets of its literal bytes, care mask, digit mask, spans, zeros, their counts, and the next shape of its hash slot. */
const FIELDS = 9;
const LENGTH = 0;
const LITERALS = 1;
const CARE = 2;
const DIGITS = 3;
const SPANS = 4;
const SPAN_COUNT = 5;
const ZEROS = 6;
const ZERO_COUNT = 7;
const NEXT = 8;

let table: usize = 0;
let tableMask: u32 = 0;
let records: usize = 0;
let capacity: i32 = 0;
let shapes: i32 = 0;
let dataStart: usize = 0;
let dataTop: usize = 0;

/** Where the lines of the last `batch` call are: bytes, starts, ends, and the numbers written. */
let batchBytes: usize = 0;
let batchStarts: usize = 0;
let batchEnds: usize = 0;
let batchOut: usize = 0;

/** Empties the table for at most `maxShapes` shapes in 2^`tableBits` slots. */
export function reset(tableBits: i32, maxShapes: i32): void {
  table = align16(__heap_base);
  const slots = <usize>1 << tableBits;
  tableMask = <u32>(slots - 1);
  records = align16(table + (slots << 2));
  capacity = maxShapes;
  dataStart = align16(records + (<usize>(maxShapes * FIELDS) << 2));
  dataTop = dataStart;
  ensure(dataStart);
  memory.fill(table, 0, slots << 2);
  shapes = 0;
}

/** Reserves `bytes` (16-aligned, then zeroed) for a shape's arrays, written by the caller before `add`. */
export function reserve(bytes: i32): usize {
  const at = dataTop;
  dataTop = align16(at + <usize>bytes);
  ensure(dataTop + 16);
  memory.fill(at, 0, dataTop - at);
  return at;
}

/** 0xff in each byte that is a digit; `hex`: also a letter a–f or A–F. */
@inline function digitBytes(m: v128): v128 {
  return i8x16.lt_u(i8x16.sub(m, i8x16.splat(0x30)), i8x16.splat(10));
}
@inline function hexLetterBytes(m: v128): v128 {
  return i8x16.lt_u(i8x16.sub(v128.or(m, i8x16.splat(0x20)), i8x16.splat(0x61)), i8x16.splat(6));
}
/** The bytes as the hash reads them: every hex character `1`. */
@inline function hashClass(m: v128): v128 {
  return v128.bitselect(i8x16.splat(0x31), m, v128.or(digitBytes(m), hexLetterBytes(m)));
}

/** 0xff in the first `n` (0–16) bytes. */
@inline function firstBytes(n: i32): v128 {
  const lanes = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return i8x16.lt_u(lanes, i8x16.splat(<i8>n));
}

@inline function mix(h: u64, c: v128): u64 {
  h = (h ^ i64x2.extract_lane(c, 0)) * 0xff51afd7ed558ccd;
  return (h ^ i64x2.extract_lane(c, 1)) * 0xc4ceb9fe1a85ec53;
}

/** The hash of the `n` bytes at `at` (memory readable up to 15 bytes past them). */
function hashOf(at: usize, n: i32): u32 {
  let h: u64 = <u64>n * 0x9e3779b97f4a7c15;
  let i = 0;
  for (; i + 16 <= n; i += 16) h = mix(h, hashClass(v128.load(at + i)));
  if (i < n) h = mix(h, v128.and(hashClass(v128.load(at + i)), firstBytes(n - i)));
  return <u32>(h ^ (h >> 29));
}

@inline function field(shape: i32, f: i32): i32 {
  return load<i32>(records + (<usize>(shape * FIELDS + f) << 2));
}
@inline function setField(shape: i32, f: i32, value: i32): void {
  store<i32>(records + (<usize>(shape * FIELDS + f) << 2), value);
}

/**
 * Adds a shape of `length` bytes whose arrays the caller reserved and wrote: at `literals` its bytes
 * where `care` is 0xff, at `digits` 0xff where it has `1`, at `spans` `spanCount` triples (start,
 * end, need: 3 for a digit and a letter, 0 for hex only), at `zeros` `zeroCount` positions of a `1`
 * before `x`/`X`. Returns its number, or -1 when the table is full.
 */
export function add(length: i32, literals: usize, care: usize, digits: usize, spans: usize, spanCount: i32, zeros: usize, zeroCount: i32): i32 {
  if (shapes >= capacity) return -1;
  const shape = shapes++;
  setField(shape, LENGTH, length);
  setField(shape, LITERALS, <i32>literals);
  setField(shape, CARE, <i32>care);
  setField(shape, DIGITS, <i32>digits);
  setField(shape, SPANS, <i32>spans);
  setField(shape, SPAN_COUNT, spanCount);
  setField(shape, ZEROS, <i32>zeros);
  setField(shape, ZERO_COUNT, zeroCount);
  // The hash of any line of the shape: literal bytes as they are, digits and spans as `1`.
  const scratch = dataTop;
  ensure(scratch + <usize>length + 16);
  for (let i = 0; i < length; i += 16) {
    const literal = v128.and(v128.load(literals + i), v128.load(care + i));
    v128.store(scratch + i, v128.bitselect(literal, i8x16.splat(0x31), v128.load(care + i)));
  }
  const slot = table + (<usize>(hashOf(scratch, length) & tableMask) << 2);
  setField(shape, NEXT, load<i32>(slot) - 1);
  store<i32>(slot, shape + 1);
  return shape;
}

/** Whether the `n` bytes at `at` have the shape. */
function matches(shape: i32, at: usize, n: i32): bool {
  if (field(shape, LENGTH) != n) return false;
  const literals = <usize>field(shape, LITERALS);
  const care = <usize>field(shape, CARE);
  const digits = <usize>field(shape, DIGITS);
  // The masks are 0 past the shape's end: the bytes read there (another line's) are not looked at.
  for (let i = 0; i < n; i += 16) {
    const m = v128.load(at + i);
    if (v128.any_true(v128.and(v128.xor(m, v128.load(literals + i)), v128.load(care + i)))) return false;
    if (v128.any_true(v128.andnot(v128.load(digits + i), digitBytes(m)))) return false;
  }
  const zeros = <usize>field(shape, ZEROS);
  const zeroCount = field(shape, ZERO_COUNT);
  for (let z = 0; z < zeroCount; z++) if (load<u8>(at + <usize>load<i32>(zeros + (<usize>z << 2))) == 0x30) return false;
  const spans = <usize>field(shape, SPANS);
  const spanCount = field(shape, SPAN_COUNT);
  for (let s = 0; s < spanCount; s++) {
    const triple = spans + <usize>(12 * s);
    const end = load<i32>(triple, 4);
    const need = load<i32>(triple, 8);
    let seen = 0;
    for (let i = load<i32>(triple); i < end; i++) {
      const c = <i32>load<u8>(at + <usize>i);
      const k = c >= 0x30 && c <= 0x39 ? 1 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? 2 : 0;
      if (k == 0) return false;
      seen |= k;
    }
    if ((seen & need) != need) return false;
  }
  return true;
}

/**
 * Room for a batch of `count` lines in `bytes` bytes above the shapes' arrays: the caller writes
 * the bytes at the returned offset, then `count` starts and ends (i32, relative to it) at
 * `batchStartsAt()` and `batchEndsAt()`, and calls `numberLines`.
 */
export function batch(bytes: i32, count: i32): usize {
  batchBytes = align16(dataTop);
  batchStarts = align16(batchBytes + <usize>bytes + 16);
  batchEnds = batchStarts + (<usize>count << 2);
  batchOut = batchEnds + (<usize>count << 2);
  ensure(batchOut + (<usize>count << 2));
  return batchBytes;
}
export function batchStartsAt(): usize {
  return batchStarts;
}
export function batchEndsAt(): usize {
  return batchEnds;
}
export function batchOutAt(): usize {
  return batchOut;
}

/** Numbers the batch's lines: each line's shape, or -1 (none, or a negative start). Returns how many have one. */
export function numberLines(count: i32): i32 {
  let found = 0;
  for (let i = 0; i < count; i++) {
    const start = load<i32>(batchStarts + (<usize>i << 2));
    let shape = -1;
    if (start >= 0) {
      const at = batchBytes + <usize>start;
      const n = load<i32>(batchEnds + (<usize>i << 2)) - start;
      shape = load<i32>(table + (<usize>(hashOf(at, n) & tableMask) << 2)) - 1;
      while (shape >= 0 && !matches(shape, at, n)) shape = field(shape, NEXT);
    }
    store<i32>(batchOut + (<usize>i << 2), shape);
    if (shape >= 0) found++;
  }
  return found;
}
