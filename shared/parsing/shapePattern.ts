/**
 * A message shape's pattern as its bytes are matched against it (messageShapes.ts `findBytes`,
 * and the reading threads of `templates`, tasks/templates/byteShapes.ts): the shape is the message
 * with every digit `1`, except a `0` before `x`/`X` (see messageShapes.ts). Only shapes of
 * printable ASCII have one, so a message that matches is ASCII and its character offsets are its
 * byte offsets. Pure.
 */

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

/** The shape code of the byte at start + i of a message of n bytes: a digit is `1`, except a `0` before `x`/`X`. */
export function shapeByte(bytes: Uint8Array, start: number, i: number, n: number): number {
  const c = bytes[start + i];
  if (c < 48 || c > 57) return c;
  return c === 48 && i + 1 < n && (bytes[start + i + 1] | 32) === 120 ? 48 : 49;
}

/** The pattern of a shape given as its codes (each below 128: printable ASCII). */
export function bytePatternOf(codes: ArrayLike<number>): BytePattern {
  const n = codes.length;
  const whole = n >>> 2;
  const words = new Int32Array(whole);
  const digitMasks = new Int32Array(whole);
  for (let i = 0; i < whole << 2; i++) {
    words[i >>> 2] |= codes[i] << (8 * (i & 3));
    if (codes[i] === 49) digitMasks[i >>> 2] |= 0xff << (8 * (i & 3));
  }
  const zeroBeforeX: number[] = [];
  for (let i = 0; i + 1 < n; i++) if (codes[i] === 49 && (codes[i + 1] | 32) === 120) zeroBeforeX.push(i);
  return { length: n, words, digitMasks, zeroBeforeX: Int32Array.from(zeroBeforeX), tail: Uint8Array.from(Array.prototype.slice.call(codes, whole << 2)) };
}

/** A DataView of exactly the bytes of `bytes`, for `matchesPattern`. */
export const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Whether `bytes[start..start + n)` has the shape of `p`; `view` is `viewOf(bytes)`. Four bytes
 * at a time (one unaligned little-endian load): bytes where the pattern has no `1` are equal,
 * bytes where it has one are digits (high nibble 3, low nibble at most 9: adding 6 does not carry
 * into bit 4). A byte ≥ 0x80 never equals a printable pattern byte.
 */
export function matchesPattern(p: BytePattern, bytes: Uint8Array, view: DataView, start: number, n: number): boolean {
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
    const t = tail[k];
    if (c !== t && (t !== 49 || c < 48 || c > 57 || (c === 48 && i + 1 < start + n && (bytes[i + 1] | 32) === 120))) return false;
  }
  return true;
}
