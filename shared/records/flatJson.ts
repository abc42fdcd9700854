/**
 * A byte-level reader for one JSON line that is a flat object (values: strings, numbers, true, false,
 * null), over the decompressed file's bytes: ingest's generated and logger-written lines, without
 * JSON.parse's object and a JS string per line and per value (those and their GC were a third of
 * ingest; docs/decisions.md 78). It only finds where the values of the keys it is given sit;
 * anything it does not handle (a nested value, a key with an escape, a repeated key it reads, a
 * byte JSON.parse would refuse) makes `scan` return false, and the caller takes the JSON.parse
 * path, which names the reason. So it never accepts a
 * line JSON.parse refuses, and the spans it gives are JSON.parse's values. The reading itself is
 * WebAssembly (jsonScanKernel/kernel.as.ts, decision 117).
 */
import { instantiateKernel } from '../wasmKernels';
import { KERNEL_WASM } from './jsonScanKernel/kernelWasm.generated';

export const ABSENT = 0;
export const STRING = 1;
export const NUMBER = 2;
export const TRUE = 3;
export const FALSE = 4;
export const NULL = 5;

/** A string value's escapes: none, only the one-character ones (`\"`, `\n`, ...), or some `\uXXXX`. */
export const NO_ESCAPES = 0;
export const SHORT_ESCAPES = 1;
export const UNICODE_ESCAPES = 2;

interface ScanKernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  setup(count: number, bytes: number, capacity: number): void;
  keyLengthsAt(): number;
  keyBytesAt(): number;
  keysWritten(): void;
  lineAt(): number;
  kindsAt(): number;
  startsAt(): number;
  endsAt(): number;
  escapesAt(): number;
  scan(length: number, base: number): number;
}

/**
 * The longest line read here (1 MiB): a longer one takes JSON.parse's path. The kernel's memory is
 * laid out once for it, so the result arrays below stay views of it.
 */
const LINE_CAPACITY = 1 << 20;

/**
 * The reader, in WebAssembly (jsonScanKernel/kernel.as.ts, decision 117): each line is copied into
 * the kernel's memory and read there, string content sixteen bytes at a time. Lines of one source
 * repeat their keys in the same order, so each key is first checked against the one that followed
 * the previous key last time.
 */
export class FlatJsonScanner {
  /** Per key (its index in the constructor's list): ABSENT, STRING, NUMBER, TRUE, FALSE or NULL. */
  readonly kind: Uint8Array;
  /** The value's bytes [start, end) in the scanned buffer: a string's without its quotes, still escaped. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly escapes: Uint8Array;
  private readonly kernel: ScanKernelExports;
  private readonly memory: Uint8Array;
  private readonly lineAt: number;

  constructor(keys: readonly string[]) {
    const n = keys.length;
    const keyBytes = keys.map((key) => Buffer.from(key, 'latin1'));
    // A key is taken on its bytes and the quote after them: sound only for ASCII keys (a line's
    // bytes are UTF-8) without a quote, backslash or control character (a line's key with one of
    // those always takes JSON.parse's path).
    for (const key of keys) {
      if (!/^[\x20-\x7e]*$/.test(key) || /["\\]/.test(key))
        throw new Error(`FlatJsonScanner: key ${JSON.stringify(key)} is not plain ASCII (no quote or backslash)`);
    }
    const kernel = instantiateKernel<ScanKernelExports>(KERNEL_WASM, 'JSON line');
    kernel.setup(
      n,
      keyBytes.reduce((sum, bytes) => sum + bytes.length, 0),
      LINE_CAPACITY,
    );
    const { buffer } = kernel.memory;
    new Int32Array(buffer, kernel.keyLengthsAt(), n).set(keyBytes.map((bytes) => bytes.length));
    new Uint8Array(buffer).set(Buffer.concat(keyBytes), kernel.keyBytesAt());
    kernel.keysWritten();
    this.kernel = kernel;
    this.memory = new Uint8Array(buffer);
    this.lineAt = kernel.lineAt();
    this.kind = new Uint8Array(buffer, kernel.kindsAt(), n);
    this.start = new Int32Array(buffer, kernel.startsAt(), n);
    this.end = new Int32Array(buffer, kernel.endsAt(), n);
    this.escapes = new Uint8Array(buffer, kernel.escapesAt(), n);
  }

  /** Reads the line b[from, to); false when it is not a flat object this reader handles. */
  scan(b: Uint8Array, from: number, to: number): boolean {
    if (to - from > LINE_CAPACITY) return false;
    this.memory.set(b.subarray(from, to), this.lineAt);
    return this.kernel.scan(to - from, from) === 1;
  }
}

/**
 * A number's value as JSON.parse gives it. Up to 15 significant digits with an optional fraction
 * and no exponent: the digits as an integer (exact below 2^53) divided by a power of ten (exact up
 * to 10^22), one correctly rounded division, so the nearest double as JSON.parse finds it (Clinger's
 * fast path). Anything else through Number, whose grammar includes JSON's and which rounds the same.
 */
export function numberValue(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  if (end - i <= 16) {
    let v = 0;
    let digits = 0;
    let fraction = -1;
    for (; i < end; i++) {
      const c = b[i];
      if (c === 0x2e) fraction = 0;
      else if (c >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        digits++;
        if (fraction >= 0) fraction++;
      } else return slowNumber(b, start, end); // an exponent
    }
    if (digits <= 15) {
      const value = fraction > 0 ? v / POWERS_OF_TEN[fraction] : v;
      return negative ? -value : value;
    }
  }
  return slowNumber(b, start, end);
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);
const slowNumber = (b: Buffer, start: number, end: number) => Number(b.toString('latin1', start, end));

/**
 * Writes the string value src[start, end) without its one-character escapes into out at pos and
 * returns the end (the caller gives room for end - start bytes; a `\uXXXX` is not handled here).
 */
export function unescapeShort(src: Uint8Array, start: number, end: number, out: Uint8Array, pos: number): number {
  for (let i = start; i < end; i++) {
    const c = src[i];
    if (c !== 0x5c) {
      out[pos++] = c;
      continue;
    }
    const e = src[++i];
    out[pos++] = e === 0x62 ? 0x08 : e === 0x66 ? 0x0c : e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e; // \" \\ \/ are themselves
  }
  return pos;
}
