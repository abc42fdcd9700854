/**
 * Which messages may have a byte shape (shared/parsing/shapePattern.ts) on the reading thread of
 * `templates` (contentRanges.ts FirstSightings): only printable ASCII, told four bytes at a time
 * (one unaligned little-endian load through a DataView of the same bytes, `viewOf`). Pure.
 */

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
