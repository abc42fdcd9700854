/**
 * Message shapes (shared/parsing/shapePattern.ts: the message with every digit `1`, except a `0`
 * before `x`/`X`, and hex spans as one class) told apart on the reading thread of `templates`, on the UTF-8 bytes of printable
 * ASCII messages, so that the main thread need not look each message's shape up: the reading
 * thread numbers the shapes, and the main thread keeps the miner's shape per number. Pure.
 *
 * Four bytes at a time (one unaligned little-endian load through a DataView of the same bytes,
 * `viewOf`): the hash maps every hex character to `1` (shapePattern.ts `classWord`, `hashCode`:
 * a function of the shape, coarser than it), and a shape is confirmed exactly by `matchesPattern`
 * (shared/parsing/shapePattern.ts, as `findBytes` does).
 */
import { type BytePattern, bytePatternOf, classWord, hashCode, shapeCodes } from '../../shared/parsing/shapePattern';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The hash of `bytes[start..end)` with every hex character read as `1`, or undefined when a byte is not
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
    h = Math.imul(h ^ classWord(m), FNV_PRIME);
  }
  if (bad & 0x80808080) return undefined;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c < 32 || c > 126) return undefined;
    h = Math.imul(h ^ hashCode(c), FNV_PRIME);
  }
  // A small integer (31 bits): V8 keeps it unboxed, as a Map key too.
  return h & 0x3fffffff;
}

/** The pattern of the shape of `bytes[start..end)`, a printable ASCII message. */
export function bytePattern(bytes: Uint8Array, start: number, end: number): BytePattern {
  return bytePatternOf(shapeCodes(bytes.subarray(start, end)));
}
