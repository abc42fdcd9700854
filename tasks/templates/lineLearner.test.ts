import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompiledLogFormat, compileLogFormat } from '../../shared/logFormat';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { createRandom } from '../../shared/random';
import { FirstSightings, withContentRanges } from './contentRanges';
import { IdSpoolReader, IdSpoolWriter } from './idSpool';
import { LineLearner, UNMATCHED } from './lineLearner';

const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-linelearner-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines of every kind the learner tells apart, from a seeded generator. */
function mixedLines(count: number): string[] {
  const random = createRandom(5);
  const hex = () => random.int(0x7fffffff).toString(16);
  return Array.from({ length: count }, (_, i) => {
    const r = random.int(12);
    if (r === 0) return `WARN: naïve cache ${i % 7} missed`; // not ASCII: the string path
    if (r === 1) return `INFO: took <${i % 50}> ms`; // `<`: no shape
    if (r === 2) return 'no level here'; // does not fit the format
    if (r === 3) return `INFO: request ${hex()} done in ${i % 300}ms`; // a new shape nearly every time
    if (r === 4) return `INFO: job  ${i % 9} at 0x${hex()}`; // two spaces
    return `INFO: block blk_${i * 7919} of ${i % 13} from 10.0.${i % 256}.${i % 7} in ${i % 90}ms`;
  });
}

/** The lines as batches of 300, with their Content ranges, as `fileLineBytes` and `withContentRanges` give them. */
function* contentBatches(lines: string[], format: CompiledLogFormat) {
  for (let from = 0; from < lines.length; from += 300) {
    const part = lines.slice(from, from + 300);
    const bytes = Buffer.from(`${part.join('\n')}\n`);
    const starts = new Int32Array(part.length);
    const ends = new Int32Array(part.length);
    for (let i = 0, at = 0; i < part.length; at = ends[i] + 1, i++) {
      starts[i] = at;
      ends[i] = at + Buffer.byteLength(part[i]);
    }
    yield withContentRanges({ bytes, starts, ends, count: part.length }, format);
  }
}

/** Each line's template id as the learner spooled it (null: the line did not fit the format). */
function spooled(learner: LineLearner, spool: IdSpoolWriter, count: number): Array<string | null> {
  const numbers = new IdSpoolReader(spool.file);
  const learned = Array.from({ length: count }, () => {
    const n = numbers.next();
    return n === UNMATCHED ? null : learner.ids[n];
  });
  numbers.close();
  return learned;
}

/** What the string path learns: the reference. */
function learnedAsText(lines: string[], format: CompiledLogFormat) {
  const reference = createTemplateMiner();
  const expected = lines.map((line) => {
    const content = format.content(line);
    return content === null ? null : reference.learn(content);
  });
  return { expected, drain: reference.toState().drain };
}

describe('LineLearner', () => {
  it('learns from shape numbers, tokens and bytes of two reading threads what the string path learns, across generations', () => {
    const lines = mixedLines(12_000);
    const format = compileLogFormat('<Level>: <Content>');
    const { expected, drain } = learnedAsText(lines, format);

    const miner = createTemplateMiner();
    const spool = new IdSpoolWriter(path.join(dir, 'ids'));
    const learner = new LineLearner(miner, format, spool);
    // Two reading threads, each with its own numbers, taking batches in turn; small limits, so
    // that numbers start over many times.
    const readers = [new FirstSightings({ maxKept: 60, maxNumbered: 20 }), new FirstSightings({ maxKept: 60, maxNumbered: 20 })];
    const generations = new Set<number>();
    let numbered = 0;
    let tokenized = 0;
    let k = 0;
    for (const ranged of contentBatches(lines, format)) {
      const firstSightings = readers[k % 2].tokenize(ranged);
      generations.add(firstSightings.shapeGeneration);
      numbered += firstSightings.shapeIds.filter((id) => id >= 0).length;
      tokenized += firstSightings.firstToken.filter((first) => first >= 0).length;
      learner.learn({ ...ranged, firstSightings, reader: k % 2 });
      k++;
    }
    spool.close();
    // Every path was taken: numbers, tokens from the reading threads, new generations.
    expect(generations.size).toBeGreaterThan(5);
    expect(numbered).toBeGreaterThan(5000);
    expect(tokenized).toBeGreaterThan(300);
    expect(spooled(learner, spool, lines.length)).toEqual(expected);
    expect(learner.unmatched).toBe(expected.filter((id) => id === null).length);
    expect(miner.toState().drain).toEqual(drain);
  });

  it('learns on the calling thread, numbering shapes with the miner a call at a time, what the string path learns', () => {
    const lines = mixedLines(12_000);
    const format = compileLogFormat('<Level>: <Content>');
    const { expected, drain } = learnedAsText(lines, format);
    const miner = createTemplateMiner();
    const spool = new IdSpoolWriter(path.join(dir, 'ids-calling-thread'));
    const learner = new LineLearner(miner, format, spool);
    let numbered = 0;
    for (const ranged of contentBatches(lines, format)) {
      const out = new Int32Array(ranged.count);
      const generation = miner.numberShapes(ranged.bytes, ranged.contentStarts, ranged.contentEnds, 0, ranged.count, out);
      if (generation >= 0) numbered += out.filter((n) => n >= 0).length;
      learner.learn({ ...ranged, reader: 0 });
    }
    spool.close();
    // Most lines' shapes were known when their batch came.
    expect(numbered).toBeGreaterThan(5000);
    expect(spooled(learner, spool, lines.length)).toEqual(expected);
    expect(miner.toState().drain).toEqual(drain);
  });
});
