/**
 * Typed arrays ⇄ base64 strings, so models serialize to compact JSON artifacts. The bytes are
 * little-endian (every platform Node runs on); decoding copies into a fresh, aligned buffer.
 */
type TypedArrayCtor<T> = { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number };

export function encodeTyped(array: Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function decode<T>(ctor: TypedArrayCtor<T>, text: unknown, what: string): T {
  if (typeof text !== 'string') throw new TypeError(`artifact field ${what} must be a base64 string`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) throw new TypeError(`artifact field ${what} has a truncated length`);
  const buffer = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return new ctor(buffer);
}

export const decodeFloat64 = (text: unknown, what = 'array'): Float64Array => decode(Float64Array, text, what);
export const decodeInt32 = (text: unknown, what = 'array'): Int32Array => decode(Int32Array, text, what);
