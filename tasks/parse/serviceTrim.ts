import { type Vector, Type } from 'apache-arrow';

/**
 * Whether any service name of a part might change under `String(name).trim()` (what parse writes to
 * Silver), judged from the UTF-8 bytes without decoding them: a null (which that would turn into
 * "null"), or a value that starts or ends with an ASCII space or control whitespace or with any
 * non-ASCII byte (a Unicode space is multi-byte). False only when trimming changes nothing, so
 * parse can keep the vector it read and skip a string per row (decision 92).
 */
export function mayNeedTrim(vec: Vector): boolean {
  if (vec.type.typeId !== Type.Utf8) return true;
  for (const data of vec.data) {
    if (data.nullCount > 0) return true;
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = data.offset, end = data.offset + data.length; i < end; i++) {
      const start = offsets[i];
      const stop = offsets[i + 1];
      if (stop > start && (edgeMayTrim(bytes[start]) || edgeMayTrim(bytes[stop - 1]))) return true;
    }
  }
  return false;
}

/** ASCII whitespace `trim` removes (tab, LF, VT, FF, CR, space), or a byte of a multi-byte character. */
const edgeMayTrim = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c >= 0x80;
