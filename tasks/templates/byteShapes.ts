/**
 * Message shapes (shared/parsing/shapePattern.ts: the message with every digit `1`, except a `0`
 * before `x`/`X`, and hex spans as one class) told apart on the reading thread of `templates`, on the UTF-8 bytes of printable
 * ASCII messages, so that the main thread need not look each message's shape up: the reading
 * thread numbers the shapes, and the main thread keeps the miner's shape per number. Pure.
 *
 * Four bytes at a time (one unaligned little-endian load through a DataView of the same bytes,
 * `viewOf`): the hash is `quickShapeKey` (every hex character read as `1`: a function of the shape,
 * coarser than it), as in `findBytes`, and a shape is confirmed exactly by `matchesPattern`.
 */
import { type BytePattern, bytePatternOf, shapeCodes } from '../../shared/parsing/shapePattern';

/** Whether every byte of `bytes[start..end)` is printable ASCII (space to `~`): only such a message has a byte shape. */
export function isPrintableAscii(bytes: Uint8Array, view: DataView, start: number, end: number): boolean {
  let bad = 0;
  let i = start;
  for (const whole = start + ((end - start) & ~3); i < whole; i += 4) {
    const m = view.getInt32(i, true);
    const low = m & 0x7f7f7f7f;
    // Per byte, bit 7 set: ≥ 0x80, or (of the low seven bits) below 0x20, or 0x7f. No carry crosses a byte.
    bad |= m | ~(low + 0x60606060) | (low + 0x01010101);
  }
  if (bad & 0x80808080) return false;
  for (; i < end; i++) if (bytes[i] < 32 || bytes[i] > 126) return false;
  return true;
}

/** The pattern of the shape of `bytes[start..end)`, a printable ASCII message. */
export function bytePattern(bytes: Uint8Array, start: number, end: number): BytePattern {
  return bytePatternOf(shapeCodes(bytes.subarray(start, end)));
}
