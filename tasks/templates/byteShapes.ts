/**
 * Message shapes (shared/parsing/messageShapes.ts: the message with every digit `1`, except a `0`
 * before `x`/`X`) told apart on the reading thread of `templates`, on the UTF-8 bytes of printable
 * ASCII messages, so that the main thread need not look each message's shape up: the reading
 * thread numbers the shapes, and the main thread keeps the miner's shape per number. Pure.
 *
 * Four bytes at a time (one unaligned little-endian load through a DataView of the same bytes,
 * `viewOf`): the hash maps every digit to `1` (also a `0` before `x`, so it is a
 * function of the shape, coarser than it), and a shape is confirmed exactly by `matches`.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** A shape's pattern as `matches` reads it (see messageShapes.ts `sameShapeBytes`). */
export interface BytePattern {
  readonly length: number;
  /** The shape's bytes four at a time (little-endian words). */
  readonly words: Int32Array;
  /** 0xff where the shape has `1` (any digit). */
  readonly digitMasks: Int32Array;
  /** Positions of a `1` before `x`/`X`: a `0` there is another shape (`0x`). */
  readonly zeroBeforeX: Int32Array;
  /** The shape's last `length % 4` bytes. */
  readonly tail: Uint8Array;
}

/**
 * The hash of `bytes[start..end)` with every digit read as `1`, or undefined when a byte is not
 * printable ASCII (space to `~`): such a message has no byte shape.
 */
export function coarseShapeHash(bytes: Uint8Array, view: DataView, start: number, end: number): number | undefined {
  const n = end - start;
  let h = FNV_OFFSET ^ n;
  let bad = 0;
  let i = start;
  for (const whole = start + (n & ~3); i < whole; i += 4) {
    const m = view.getInt32(i, true);
    const low = m & 0x7f7f7f7f;
    // Per byte, bit 7 set: ≥ 0x80, or (of the low seven bits) below 0x20, or 0x7f. No carry crosses a byte.
    bad |= m | ~(low + 0x60606060) | (low + 0x01010101);
    // Digits: the byte XOR 0x30 is below 10, so adding 0x76 leaves bit 7 clear.
    const digits = ~((low ^ 0x30303030) + 0x76767676) & 0x80808080;
    const mask = (digits >>> 7) * 0xff;
    h = Math.imul(h ^ ((m & ~mask) | (0x31313131 & mask)), FNV_PRIME);
  }
  if (bad & 0x80808080) return undefined;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c < 32 || c > 126) return undefined;
    h = Math.imul(h ^ (c >= 48 && c <= 57 ? 49 : c), FNV_PRIME);
  }
  // A small integer (31 bits): V8 keeps it unboxed, as a Map key too.
  return h & 0x3fffffff;
}

/** The pattern of the shape of `bytes[start..end)`, a printable ASCII message. */
export function bytePattern(bytes: Uint8Array, start: number, end: number): BytePattern {
  const n = end - start;
  const whole = n >>> 2;
  const words = new Int32Array(whole);
  const digitMasks = new Int32Array(whole);
  const zeroBeforeX: number[] = [];
  const tail = new Uint8Array(n & 3);
  for (let i = 0; i < n; i++) {
    let c = bytes[start + i];
    const digit = c >= 48 && c <= 57;
    const beforeX = i + 1 < n && (bytes[start + i + 1] | 32) === 120;
    if (digit) {
      if (c === 48 && beforeX) c = 48;
      else {
        c = 49;
        if (beforeX) zeroBeforeX.push(i);
      }
    }
    if (i < whole << 2) {
      words[i >>> 2] |= c << (8 * (i & 3));
      if (c === 49 && digit) digitMasks[i >>> 2] |= 0xff << (8 * (i & 3));
    } else tail[i - (whole << 2)] = c;
  }
  return { length: n, words, digitMasks, zeroBeforeX: Int32Array.from(zeroBeforeX), tail };
}

/** Whether `bytes[start..start + n)` has the shape of `p` (the same test as messageShapes.ts `sameShapeBytes`). */
export function matches(p: BytePattern, bytes: Uint8Array, view: DataView, start: number, n: number): boolean {
  if (p.length !== n) return false;
  const { words, digitMasks, zeroBeforeX, tail } = p;
  const whole = n >>> 2;
  for (let w = 0, i = start; w < whole; w++, i += 4) {
    const m = view.getInt32(i, true);
    const d = digitMasks[w];
    if (((m ^ words[w]) & ~d) !== 0) return false;
    if (d !== 0 && ((m & d & 0xf0f0f0f0) !== (d & 0x30303030) || (((m & d & 0x0f0f0f0f) + 0x06060606) & d & 0x10101010) !== 0)) return false;
  }
  for (let z = 0; z < zeroBeforeX.length; z++) if (bytes[start + zeroBeforeX[z]] === 48) return false;
  for (let k = 0, i = start + (whole << 2); k < tail.length; k++, i++) {
    const c = bytes[i];
    const p = tail[k];
    if (c !== p && (p !== 49 || c < 48 || c > 57 || (c === 48 && i + 1 < start + n && (bytes[i + 1] | 32) === 120))) return false;
  }
  return true;
}

/** A DataView of exactly the bytes of `bytes`, for the functions here. */
export const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * A key of a message's length and three of its words with digits read as `1` (a function of its
 * shape, like `coarseShapeHash`, but a few loads instead of a pass): where to guess its shape.
 */
export function quickShapeKey(view: DataView, start: number, end: number): number {
  const n = end - start;
  let h = Math.imul(n, 0x9e3779b1);
  if (n >= 4) {
    h = Math.imul(h ^ coarseWord(view.getInt32(start, true)), FNV_PRIME);
    h = Math.imul(h ^ coarseWord(view.getInt32(start + ((n >>> 1) & ~3), true)), FNV_PRIME);
    h = Math.imul(h ^ coarseWord(view.getInt32(end - 4, true)), FNV_PRIME);
  }
  return h ^ (h >>> 15);
}

/** Four bytes with each digit made `1` (bytes of printable ASCII; others give some other word). */
function coarseWord(m: number): number {
  const digits = ~(((m & 0x7f7f7f7f) ^ 0x30303030) + 0x76767676) & 0x80808080;
  const mask = (digits >>> 7) * 0xff;
  return (m & ~mask) | (0x31313131 & mask);
}
