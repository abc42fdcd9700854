/**
 * The remembered shapes of lines a caller walks in order, numbered by the miner's shape kernel a
 * call at a time (decision 116): parse's Bronze rows and `templates`' lines without reading threads.
 */
import type { MessageShape } from './messageShapes';
import type { TemplateMiner } from './templateMiner';

/**
 * Lines numbered per call: enough that a call's cost is spread, few enough that a shape first
 * remembered among them is soon found by number (lines numbered before it was remembered are
 * looked up one at a time by the caller's byte path).
 */
export const SHAPES_PER_CALL = 256;

export class NumberedShapes {
  private readonly numbers = new Int32Array(SHAPES_PER_CALL);
  /** The lines of the last call, [from, to), and the generation of their numbers (-1: none). */
  private from = 0;
  private to = 0;
  private generation = -1;

  constructor(private readonly miner: TemplateMiner) {}

  /** Forgets the last call: the next run of lines starts at line 0. */
  restart(): void {
    this.from = this.to = 0;
    this.generation = -1;
  }

  /** Whether line i is past the lines of the last call (number the next ones first). */
  needsCall(i: number): boolean {
    return i >= this.to;
  }

  /**
   * Numbers lines i..i + count - 1 (count ≤ SHAPES_PER_CALL), whose messages are
   * `bytes[starts[k]..ends[k])` for k from `at` (a negative start: no message on the bytes).
   */
  number(i: number, count: number, bytes: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>, at: number): void {
    this.from = i;
    this.to = i + count;
    this.generation = this.miner.numberShapes(bytes, starts, ends, at, at + count, this.numbers);
  }

  /** Line i's remembered shape (i within the last call), or undefined: none, shapes off, or started over since. */
  shapeOf(i: number): MessageShape | undefined {
    if (this.generation < 0 || i < this.from || i >= this.to) return undefined;
    const number = this.numbers[i - this.from];
    return number >= 0 ? this.miner.numberedShape(number, this.generation) : undefined;
  }
}
