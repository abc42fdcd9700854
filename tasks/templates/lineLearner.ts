/**
 * The first pass of `templates` over one batch of lines at a time: each line that fits the format
 * teaches the miner, and its template's number goes to the spool. A class with a synchronous
 * method per batch rather than a loop inside the async reading loop: V8 optimizes (and, after a
 * deoptimization, recompiles) this small function instead of the whole async one (decision 101).
 */
import type { CompiledLogFormat } from '../../shared/logFormat';
import type { MessageShape } from '../../shared/parsing/messageShapes';
import { NumberedShapes, SHAPES_PER_CALL } from '../../shared/parsing/numberedShapes';
import type { TemplateMiner } from '../../shared/parsing/templateMiner';
import type { ReadBatch } from './contentLines';
import { maskedOfLine } from './contentRanges';
import type { IdSpoolWriter } from './idSpool';

/** The spooled number of a line that does not fit the log format. */
export const UNMATCHED = 0xffffffff;

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
  /** Without a reading thread's numbers, the miner numbers the lines' shapes a call at a time. */
  private readonly numberedShapes: NumberedShapes;

  constructor(
    private readonly miner: TemplateMiner,
    private readonly format: CompiledLogFormat,
    private readonly spool: IdSpoolWriter,
  ) {
    this.numberedShapes = new NumberedShapes(miner);
  }

  /**
   * A line whose content has a printable-ASCII shape is learned from its bytes: by the shape number
   * the reading thread gave it, or, without reading threads, the number the miner gave it (a call
   * per SHAPES_PER_CALL lines), or by looking its shape up (no string per line); a line of a shape
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
    const numberedShapes = this.numberedShapes;
    numberedShapes.restart();
    for (let i = 0; i < count; i++) {
      this.lines++;
      let id: string | null = null;
      const shapeId = shapeIds ? shapeIds[i] : -1;
      if (!tokenized && numberedShapes.needsCall(i)) numberedShapes.number(i, Math.min(count - i, SHAPES_PER_CALL), bytes, contentStarts, contentEnds, i);
      const numberedShape = numberedShapes.shapeOf(i);
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
