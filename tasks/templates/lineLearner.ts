/**
 * The first pass of `templates` over one batch of lines at a time: each line that fits the format
 * teaches the miner, and its template's number goes to the spool. A class with a synchronous
 * method per batch rather than a loop inside the async reading loop: V8 optimizes (and, after a
 * deoptimization, recompiles) this small function instead of the whole async one (decision 101).
 */
import type { CompiledLogFormat } from '../../shared/logFormat';
import type { MessageShape } from '../../shared/parsing/messageShapes';
import type { TemplateMiner } from '../../shared/parsing/templateMiner';
import type { ReadBatch } from './contentLines';
import { maskedOfLine } from './contentRanges';
import type { IdSpoolWriter } from './idSpool';

/** The spooled number of a line that does not fit the log format. */
export const UNMATCHED = 0xffffffff;
/**
 * Lines numbered per call of the miner's shape kernel when no reading thread numbered them: enough
 * that a call's cost is spread, few enough that a shape first remembered in the batch is soon
 * found by number (lines numbered before it was remembered are looked up one at a time).
 */
const NUMBERED_PER_CALL = 256;

export class LineLearner {
  lines = 0;
  unmatched = 0;
  firstUnmatched = 0;
  /** The template id of each spooled number (as learned; resolve it after the last line). */
  readonly ids: string[] = [];
  private readonly numberOf = new Map<string, number>();
  private lastId = '';
  private lastNumber = -1;
  /** Per reading thread, the miner's shape per shape number of that thread (FirstSightings), in its current generation. */
  private readonly shapesOf: Array<Array<MessageShape | undefined>> = [];
  private readonly generations: number[] = [];
  private readonly kernelNumbers = new Int32Array(NUMBERED_PER_CALL);

  constructor(
    private readonly miner: TemplateMiner,
    private readonly format: CompiledLogFormat,
    private readonly spool: IdSpoolWriter,
  ) {}

  /**
   * A line whose content has a printable-ASCII shape is learned from its bytes: by the shape number
   * the reading thread gave it, or, without reading threads, the number the miner gave it (a call
   * per NUMBERED_PER_CALL lines), or by looking its shape up (no string per line); a line of a shape
   * the reading thread had not seen comes with its masked tokens; the others are decoded and learned as text.
   */
  learn({ bytes, starts, ends, count, contentStarts, contentEnds, firstSightings, reader }: ReadBatch): void {
    const { miner, spool } = this;
    const tokenized = firstSightings && miner.defaultRules ? firstSightings : undefined;
    const shapeIds = tokenized?.shapeIds;
    if (tokenized && tokenized.shapeGeneration !== this.generations[reader]) {
      this.shapesOf[reader] = [];
      this.generations[reader] = tokenized.shapeGeneration;
    }
    const shapeOf = this.shapesOf[reader];
    // Without a reading thread's numbers, the miner numbers the lines' shapes a call at a time.
    const kernelNumbers = this.kernelNumbers;
    let numberedFrom = 0;
    let numberedTo = 0;
    let generation = -1;
    for (let i = 0; i < count; i++) {
      this.lines++;
      let id: string | null = null;
      const shapeId = shapeIds ? shapeIds[i] : -1;
      if (!tokenized && i === numberedTo) {
        numberedFrom = i;
        numberedTo = Math.min(count, i + NUMBERED_PER_CALL);
        generation = miner.numberShapes(bytes, contentStarts, contentEnds, numberedFrom, numberedTo, kernelNumbers);
      }
      const number = generation >= 0 ? kernelNumbers[i - numberedFrom] : -1;
      const numberedShape = number >= 0 ? miner.numberedShape(number, generation) : undefined;
      // Tokens from the reading thread first: a shape it had not seen is rarely one the miner knows.
      if (tokenized && tokenized.firstToken[i] >= 0) id = miner.learnMasked(maskedOfLine(tokenized, i)!);
      else if (numberedShape) id = miner.learnShape(numberedShape, bytes, contentStarts[i], contentEnds[i]);
      else if (shapeId >= 0) {
        let shape = shapeId < shapeOf.length ? shapeOf[shapeId] : undefined;
        if (!shape) {
          shape = miner.shapeBytes(bytes, contentStarts[i], contentEnds[i]);
          if (shape) {
            // No holes: the array stays a plain list, not a dictionary.
            while (shapeOf.length <= shapeId) shapeOf.push(undefined);
            shapeOf[shapeId] = shape;
          }
        }
        if (shape) id = miner.learnShape(shape, bytes, contentStarts[i], contentEnds[i]);
      } else if (contentStarts[i] >= 0) id = miner.learnBytes(bytes, contentStarts[i], contentEnds[i]);
      if (id === null) {
        const content = this.format.content(bytes.toString('utf8', starts[i], ends[i]));
        if (content === null) {
          if (this.unmatched++ === 0) this.firstUnmatched = this.lines;
          spool.push(UNMATCHED);
          continue;
        }
        id = miner.learn(content);
      }
      if (id !== this.lastId) {
        let n = this.numberOf.get(id);
        if (n === undefined) {
          this.numberOf.set(id, (n = this.ids.length));
          this.ids.push(id);
        }
        this.lastId = id;
        this.lastNumber = n;
      }
      spool.push(this.lastNumber);
    }
  }
}
