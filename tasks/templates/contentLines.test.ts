import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compileLogFormat, KNOWN_LOG_FORMATS } from '../../shared/logFormat';
import { createMasker } from '../../shared/parsing/masks';
import { messageTokens } from '../../shared/parsing/messageTokens';
import { createRandom } from '../../shared/random';
import { contentLines } from './contentLines';
import { FirstSightings, maskedOfLine, withContentRanges } from './contentRanges';

// The worker is the bundled file; `make test` builds dist/ first (`npm run build`).
const workerUrl = new URL('../../dist/templatesReadWorker.mjs', import.meta.url);
const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-contentlines-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every line as its text and its Content range's text (or null where the bytes did not decide). `threadsFromLines` 0: on the reading threads whenever the file allows. */
async function linesOf(file: string, format: string, url: URL | undefined, regionBytes?: number, threadsFromLines = 0) {
  const out: Array<[string, string | null]> = [];
  for await (const b of contentLines(file, format, url, regionBytes, threadsFromLines))
    for (let i = 0; i < b.count; i++)
      out.push([
        b.bytes.toString('utf8', b.starts[i], b.ends[i]),
        b.contentStarts[i] >= 0 ? b.bytes.toString('latin1', b.contentStarts[i], b.contentEnds[i]) : null,
      ]);
  return out;
}

describe('contentLines', () => {
  it('gives the same lines and Content ranges on the reading threads as on the calling thread, gzip and lines across chunks included', async () => {
    expect(existsSync(workerUrl), 'run `npm run build` first').toBe(true);
    const random = createRandom(3);
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      random.int(20) === 0
        ? `odd line ${i} naïve\r`
        : `081109 2036${i % 60} ${i} INFO dfs.DataNode$PacketResponder: PacketResponder ${i % 3} for block blk_${i * 7919} terminating`,
    );
    const text = `${lines.join('\n')}\nlast line without newline`;
    expect(text.length).toBeGreaterThan(3 << 20);
    const plain = path.join(dir, 'hdfs.log');
    writeFileSync(plain, text);
    const gzipped = path.join(dir, 'hdfs.log.gz');
    writeFileSync(gzipped, gzipSync(text));
    for (const file of [plain, gzipped]) {
      const inThread = await linesOf(file, KNOWN_LOG_FORMATS.hdfs, undefined);
      expect(inThread.length).toBe(lines.length + 1);
      expect(inThread.filter(([, content]) => content !== null).length).toBeGreaterThan(35_000);
      // A gzipped file on the calling thread, a plain one on two reading threads (1 MiB regions, and small ones: lines across their ends).
      expect(await linesOf(file, KNOWN_LOG_FORMATS.hdfs, workerUrl)).toEqual(inThread);
      expect(await linesOf(file, KNOWN_LOG_FORMATS.hdfs, workerUrl, 4099)).toEqual(inThread);
    }
  });

  it('reads a plain file on the reading threads only when it is long, a gzipped one never', async () => {
    const text = Array.from({ length: 30_000 }, (_, i) => `081109 2036${i % 60} ${i} INFO dfs.DataNode: block blk_${i * 7} served`).join('\n');
    const plain = path.join(dir, 'long.log');
    writeFileSync(plain, text);
    const gzipped = path.join(dir, 'long.log.gz');
    writeFileSync(gzipped, gzipSync(text));
    // Batches from the reading threads carry their shape numbers; the calling thread's do not.
    const onThreads = async (file: string, threadsFromLines: number) => {
      const seen = new Set<boolean>();
      for await (const b of contentLines(file, KNOWN_LOG_FORMATS.hdfs, workerUrl, 65_536, threadsFromLines)) seen.add(b.firstSightings !== undefined);
      return [...seen];
    };
    expect(await onThreads(plain, 30_000)).toEqual([true]);
    expect(await onThreads(plain, 40_000)).toEqual([false]);
    expect(await onThreads(gzipped, 0)).toEqual([false]);
  });

  it('reports a file it cannot read as an error naming it, with the reading threads available or not', async () => {
    const bad = path.join(dir, 'bad.log.gz');
    writeFileSync(bad, Buffer.concat([gzipSync('a\nb\n'), Buffer.from('not gzip')]));
    const inThread = linesOf(bad, '<Content>', undefined).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    const onWorker = linesOf(bad, '<Content>', workerUrl).then(
      () => 'no error',
      (err: Error) => err.message,
    );
    expect(await inThread).toBe('incorrect header check');
    expect(await onWorker).toBe(await inThread);
    const cut = path.join(dir, 'cut.log.gz');
    writeFileSync(cut, gzipSync('a\nb\n'.repeat(1000)).subarray(0, 30));
    await expect(linesOf(cut, '<Content>', workerUrl)).rejects.toThrow('unexpected end of file');
    await expect(linesOf(path.join(dir, 'missing.log'), '<Content>', workerUrl)).rejects.toThrow(/missing\.log/);
  });

  it('tokenizes on the reading thread each printable Content of a shape not seen before, as messageTokens does, while such lines are frequent', () => {
    const batchOf = (messages: string[]) => {
      const bytes = Buffer.from(messages.join('\n'));
      const starts = new Int32Array(messages.length);
      const ends = new Int32Array(messages.length);
      for (let i = 0, at = 0; i < messages.length; at += Buffer.byteLength(messages[i]) + 1, i++) {
        starts[i] = at;
        ends[i] = at + Buffer.byteLength(messages[i]);
      }
      return withContentRanges({ bytes, starts, ends, count: messages.length }, compileLogFormat('<Content>'));
    };
    const messages = ['took 12 ms', 'took 47 ms', 'took 470 ms', 'naïve 1', 'took 0x1f ms', 'user ab12 in', 'user ab12 in', 'took 99 ms'];
    const sightings = new FirstSightings();
    // The first lines are never tokenized here; many first sightings among them turn it on.
    const warmUp = sightings.tokenize(batchOf(Array.from({ length: 100 }, (_, i) => `warm up ${'x'.repeat(i)}`)));
    expect(maskedOfLine(warmUp, 99)).toBeUndefined();
    const tokens = sightings.tokenize(batchOf(messages));
    const masker = createMasker();
    const given = messages.map((m, i) => [m, maskedOfLine(tokens, i)]);
    // First sightings of a shape only: `took 47 ms` and `took 99 ms` are `took 12 ms`'s shape; `naïve` is not ASCII.
    expect(given.filter(([, masked]) => masked).map(([m]) => m)).toEqual(['took 12 ms', 'took 470 ms', 'took 0x1f ms', 'user ab12 in']);
    for (const [m, masked] of given) if (masked) expect(masked).toEqual(messageTokens(m as string, masker).masked);
    // Lines seen before (5 first sightings in 308 lines) turn it off for the next batch.
    const known = Array.from({ length: 300 }, (_, i) => (i === 0 ? 'brand new line' : `took ${10 + (i % 90)} ms`));
    expect(maskedOfLine(sightings.tokenize(batchOf(known)), 0)).toEqual(messageTokens('brand new line', masker).masked);
    expect(maskedOfLine(sightings.tokenize(batchOf(['another new line'])), 0)).toBeUndefined();
  });
});
