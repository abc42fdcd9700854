import { Type, type Vector } from 'apache-arrow';

const decoder = new TextDecoder();
const MAX_CACHED_BYTES = 32;
const MAX_CACHE_ENTRIES = 4096;

interface CachedString {
  bytes: Uint8Array;
  text: string;
}

/**
 * An Arrow utf8 column → strings. Low-cardinality columns (service, level, template ids) repeat a
 * few short values millions of times; Arrow decodes every row anew (about a fifth of `features` and
 * `score`), so short values are looked up by their bytes instead. A collision in the byte hash is
 * checked byte by byte, and a column whose values rarely repeat goes back to plain decoding.
 */
export function utf8Strings(vec: Vector): (string | null)[] {
  if (vec.type.typeId !== Type.Utf8) return vec.toArray() as (string | null)[];
  const out = new Array<string | null>(vec.length);
  const cache = new Map<number, CachedString>();
  let o = 0;
  for (const data of vec.data) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    let lookups = 0;
    let hits = 0;
    let useCache = true;
    for (let i = 0; i < data.length; i++, o++) {
      if (data.nullCount && !data.getValid(i)) {
        out[o] = null;
        continue;
      }
      const start = offsets[i];
      const end = offsets[i + 1];
      if (!useCache || end - start > MAX_CACHED_BYTES) {
        out[o] = decoder.decode(bytes.subarray(start, end));
        continue;
      }
      let h = 0x811c9dc5; // FNV-1a
      for (let b = start; b < end; b++) h = Math.imul(h ^ bytes[b], 0x01000193);
      const hit = cache.get(h);
      lookups++;
      if (hit && sameBytes(hit.bytes, bytes, start, end)) {
        out[o] = hit.text;
        hits++;
      } else {
        const text = decoder.decode(bytes.subarray(start, end));
        if (cache.size < MAX_CACHE_ENTRIES) cache.set(h, { bytes: bytes.slice(start, end), text });
        out[o] = text;
      }
      if (lookups === 2048 && hits < 1024) useCache = false; // mostly distinct values (user or session ids)
    }
  }
  return out;
}

function sameBytes(cached: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (cached.length !== end - start) return false;
  for (let i = 0; i < cached.length; i++) if (cached[i] !== bytes[start + i]) return false;
  return true;
}
