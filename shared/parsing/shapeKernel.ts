/**
 * The WebAssembly side of message shapes (shapeKernel/kernel.as.ts, decision 116): a table of the
 * printable shapes a `MessageShapes` remembers, and one call that numbers the shapes of many lines.
 * The matching rule is the one of shapePattern.ts; shapeKernel.test.ts holds the kernel to its
 * second writing in shapeReference.fixture.ts on random messages.
 */
import { SPAN, spansOf, UUID_HEX } from './shapePattern';
import { KERNEL_WASM } from './shapeKernel/kernelWasm.generated';
import { instantiateKernel } from '../wasmKernels';

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  reset(tableBits: number, maxShapes: number): void;
  reserve(bytes: number): number;
  add(length: number, literals: number, care: number, digits: number, spans: number, spanCount: number, zeros: number, zeroCount: number): number;
  batch(bytes: number, count: number): number;
  batchStartsAt(): number;
  batchEndsAt(): number;
  batchOutAt(): number;
  numberLines(count: number): number;
}

const align16 = (n: number) => (n + 15) & ~15;

export class ShapeKernel {
  private readonly kernel: KernelExports;
  private size = 0;
  /** Views of the kernel's memory, made again when it grows (growing detaches its buffer). */
  private bytes = new Uint8Array(0);
  private ints = new Int32Array(0);

  constructor(
    private readonly maxShapes: number,
    private readonly tableBits = 15,
  ) {
    this.kernel = instantiateKernel<KernelExports>(KERNEL_WASM, 'message shape');
    this.kernel.reset(tableBits, maxShapes);
  }

  /** Shapes added since the last `clear`. */
  get count(): number {
    return this.size;
  }

  /** Forgets every shape: numbers start at 0 again. */
  clear(): void {
    this.kernel.reset(this.tableBits, this.maxShapes);
    this.size = 0;
  }

  /**
   * Adds the shape whose codes (shapePattern.ts `shapeCodes`) are given, one of printable ASCII
   * (and spans); returns its number (the count before it), or -1 when `maxShapes` are held.
   */
  add(codes: ArrayLike<number>): number {
    if (this.size >= this.maxShapes) return -1;
    const { kernel } = this;
    const n = codes.length;
    const spans = spansOf(codes);
    const zeros: number[] = [];
    for (let i = 0; i + 1 < n; i++) if (codes[i] === 49 && (codes[i + 1] | 32) === 120) zeros.push(i);
    const padded = align16(n);
    const literals = kernel.reserve(padded);
    const care = kernel.reserve(padded);
    const digits = kernel.reserve(padded);
    const spansAt = kernel.reserve(4 * spans.length);
    const zerosAt = kernel.reserve(4 * zeros.length);
    this.refreshViews();
    const { bytes, ints } = this;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      if (c === 49) bytes[digits + i] = 0xff;
      else if (c !== SPAN && c !== UUID_HEX) {
        bytes[literals + i] = c;
        bytes[care + i] = 0xff;
      }
    }
    ints.set(spans, spansAt >> 2);
    ints.set(zeros, zerosAt >> 2);
    const number = kernel.add(n, literals, care, digits, spansAt, spans.length / 3, zerosAt, zeros.length);
    if (number >= 0) this.size++;
    return number;
  }

  /**
   * Writes to `out[i - from]`, for each line i of from..to, the number of the shape of
   * `bytes[starts[i]..ends[i])`, or -1 (no shape held fits it, or `starts[i]` is negative).
   * Returns how many lines have a number.
   */
  numberLines(bytes: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>, from: number, to: number, out: Int32Array): number {
    const count = to - from;
    if (count <= 0) return 0;
    // The bytes from the lowest start to the highest end are copied in (lines in any order).
    let first = -1;
    let last = -1;
    for (let i = from; i < to; i++) {
      if (starts[i] < 0) continue;
      if (first < 0 || starts[i] < first) first = starts[i];
      if (ends[i] > last) last = ends[i];
    }
    const base = this.kernel.batch(first < 0 ? 0 : last - first, count);
    this.refreshViews();
    const ints = this.ints;
    if (first >= 0) this.bytes.set(bytes.subarray(first, last), base);
    const startsAt = this.kernel.batchStartsAt() >> 2;
    const endsAt = this.kernel.batchEndsAt() >> 2;
    for (let i = from; i < to; i++) {
      ints[startsAt + i - from] = starts[i] < 0 ? -1 : starts[i] - first;
      ints[endsAt + i - from] = ends[i] - first;
    }
    const found = this.kernel.numberLines(count);
    const outAt = this.kernel.batchOutAt() >> 2;
    out.set(ints.subarray(outAt, outAt + count));
    return found;
  }

  /** The number of the shape of `bytes[start..end)`, or -1. */
  numberOne(bytes: Uint8Array, start: number, end: number): number {
    const n = end - start;
    const base = this.kernel.batch(n, 1);
    this.refreshViews();
    const { bytes: memory, ints } = this;
    // Byte by byte: a message is short, and a subarray to copy from would be an object per call.
    for (let i = 0; i < n; i++) memory[base + i] = bytes[start + i];
    ints[this.kernel.batchStartsAt() >> 2] = 0;
    ints[this.kernel.batchEndsAt() >> 2] = n;
    this.kernel.numberLines(1);
    return ints[this.kernel.batchOutAt() >> 2];
  }

  private refreshViews(): void {
    // Growing the memory detaches the buffer the views are of (their length becomes 0): only then
    // is `memory.buffer` read again, a call into the engine that cost ~1 µs per lookup of a line.
    if (this.bytes.byteLength > 0) return;
    const { buffer } = this.kernel.memory;
    this.bytes = new Uint8Array(buffer);
    this.ints = new Int32Array(buffer);
  }
}
