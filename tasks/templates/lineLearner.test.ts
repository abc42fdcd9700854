import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileLogFormat } from '../../shared/logFormat';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { createRandom } from '../../shared/random';
import { FirstSightings, withContentRanges } from './contentRanges';
import { IdSpoolReader, IdSpoolWriter } from './idSpool';
import { LineLearner, UNMATCHED } from './lineLearner';

const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-linelearner-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LineLearner', () => {
  it('learns from shape numbers, tokens and bytes of two reading threads what the string path learns, across generations', () => {
    const random = createRandom(5);
    const hex = () => random.int(0x7fffffff).toString(16);
    const lines = Array.from({ length: 12_000 }, (_, i) => {
      const r = random.int(12);
      if (r === 0) return `WARN: naïve cache ${i % 7} missed`; // not ASCII: the string path
      if (r === 1) return `INFO: took <${i % 50}> ms`; // `<`: no shape
      if (r === 2) return 'no level here'; // does not fit the format
      if (r === 3) return `INFO: request ${hex()} done in ${i % 300}ms`; // a new shape nearly every time
      if (r === 4) return `INFO: job  ${i % 9} at 0x${hex()}`; // two spaces
      return `INFO: block blk_${i * 7919} of ${i % 13} from 10.0.${i % 256}.${i % 7} in ${i % 90}ms`;
    });
    const format = compileLogFormat('<Level>: <Content>');
    const reference = createTemplateMiner();
    const expected = lines.map((line) => {
      const content = format.content(line);
      return content === null ? null : reference.learn(content);
    });

    const miner = createTemplateMiner();
    const spool = new IdSpoolWriter(path.join(dir, 'ids'));
    const learner = new LineLearner(miner, format, spool);
    // Two reading threads, each with its own numbers, taking batches in turn; small limits, so
    // that numbers start over many times.
    const readers = [new FirstSightings({ maxKept: 60, maxNumbered: 20 }), new FirstSightings({ maxKept: 60, maxNumbered: 20 })];
    const generations = new Set<number>();
    let numbered = 0;
    let tokenized = 0;
    for (let from = 0, k = 0; from < lines.length; from += 300, k++) {
      const part = lines.slice(from, from + 300);
      const bytes = Buffer.from(`${part.join('\n')}\n`);
      const starts = new Int32Array(part.length);
      const ends = new Int32Array(part.length);
      for (let i = 0, at = 0; i < part.length; at = ends[i] + 1, i++) {
        starts[i] = at;
        ends[i] = at + Buffer.byteLength(part[i]);
      }
      const ranged = withContentRanges({ bytes, starts, ends, count: part.length }, format);
      const firstSightings = readers[k % 2].tokenize(ranged);
      generations.add(firstSightings.shapeGeneration);
      numbered += firstSightings.shapeIds.filter((id) => id >= 0).length;
      tokenized += firstSightings.firstToken.filter((first) => first >= 0).length;
      learner.learn({ ...ranged, firstSightings, reader: k % 2 });
    }
    spool.close();
    // Every path was taken: numbers, tokens from the reading threads, new generations.
    expect(generations.size).toBeGreaterThan(5);
    expect(numbered).toBeGreaterThan(5000);
    expect(tokenized).toBeGreaterThan(300);
    const numbers = new IdSpoolReader(spool.file);
    const learned = lines.map(() => {
      const n = numbers.next();
      return n === UNMATCHED ? null : learner.ids[n];
    });
    numbers.close();
    expect(learned).toEqual(expected);
    expect(learner.unmatched).toBe(expected.filter((id) => id === null).length);
    expect(miner.toState().drain).toEqual(reference.toState().drain);
  });
});
