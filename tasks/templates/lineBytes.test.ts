import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../shared/random';
import { fileLines } from './fileLines';
import { fileLineBytes, LineSplitter, type LineBatch, regionLineBytes } from './lineBytes';

const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-linebytes-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const decoded = (batch: LineBatch) => Array.from({ length: batch.count }, (_, i) => batch.bytes.toString('utf8', batch.starts[i], batch.ends[i]));

async function stringLines(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of fileLines(file)) lines.push(...batch);
  return lines;
}

async function byteLines(file: string, chunkBytes?: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of fileLineBytes(file, chunkBytes)) lines.push(...decoded(batch));
  return lines;
}

/** The same bytes cut into chunks of the given sizes (cycled), through a LineSplitter. */
function splitInChunks(bytes: Buffer, sizes: number[]): string[] {
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length];
    for (const batch of splitter.push(bytes.subarray(at, at + size))) lines.push(...decoded(batch));
    at += size;
  }
  const last = splitter.end();
  if (last) lines.push(...decoded(last));
  return lines;
}

/** Random bytes heavy in line endings, multi-byte characters (whole and cut) and invalid UTF-8. */
function edgeBytes(seed: number, length: number): Buffer {
  const random = createRandom(seed);
  const pieces = [
    Buffer.from('\n'),
    Buffer.from('\r\n'),
    Buffer.from('\r'),
    Buffer.from('ab c'),
    Buffer.from('é'),
    Buffer.from('€'),
    Buffer.from('😀'),
    Buffer.from([0xff]),
    Buffer.from([0xe2, 0x82]),
    Buffer.from([0xc3]),
    Buffer.from('\ufeff'),
    Buffer.from('x'.repeat(40)),
  ];
  const out: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const piece = pieces[random.int(pieces.length)];
    out.push(piece);
    size += piece.length;
  }
  return Buffer.concat(out);
}

describe('fileLineBytes', () => {
  it('gives the lines of fileLines, decoded line by line: CRLF, a lone and a final \\r, no final newline, a BOM, bad UTF-8', async () => {
    const cases = [
      Buffer.concat([Buffer.from('a\r\nb\rc\n\nd'), Buffer.from([0xff, 0xc3]), Buffer.from('\ne\r')]),
      Buffer.from('\ufeffhead\nlast without newline'),
      Buffer.from('ends with newline\r\n'),
      Buffer.from('\n\n\r\n'),
      Buffer.from(''),
      edgeBytes(1, 5000),
    ];
    for (const [i, bytes] of cases.entries()) {
      const file = path.join(dir, `case-${i}.log`);
      writeFileSync(file, bytes);
      const expected = await stringLines(file);
      for (const chunkBytes of [1, 2, 3, 7, 64, undefined]) expect(await byteLines(file, chunkBytes), `case ${i}, chunks of ${chunkBytes}`).toEqual(expected);
    }
    expect(await byteLines(path.join(dir, 'case-0.log'))).toEqual(['a', 'b\rc', '', 'd\ufffd\ufffd', 'e\r']);
    expect(await byteLines(path.join(dir, 'case-1.log'), 3)).toEqual(['\ufeffhead', 'last without newline']);
  });

  it('reads gzip by its magic bytes, lines across the decompressed chunks', async () => {
    const bytes = edgeBytes(2, 300_000);
    const file = path.join(dir, 'edges.log.gz');
    writeFileSync(file, gzipSync(bytes));
    writeFileSync(path.join(dir, 'edges.log'), bytes);
    const expected = await stringLines(path.join(dir, 'edges.log'));
    expect(expected.length).toBeGreaterThan(5_000);
    expect(await byteLines(file, 4096)).toEqual(expected);
    expect(await byteLines(file)).toEqual(expected);
  });

  it('splits a line across any number of chunks, a CRLF cut between two chunks included', () => {
    const bytes = Buffer.concat([Buffer.from(`${'long '.repeat(300)}\r\nshort\r`), Buffer.from('\nx'), edgeBytes(3, 2000)]);
    const expected = bytes.toString('utf8').split('\n');
    const last = expected.pop()!;
    const lines = expected.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).concat(last === '' ? [] : [last]);
    for (const sizes of [[1], [2, 5], [1500, 1, 3], [bytes.length]]) expect(splitInChunks(bytes, sizes), `chunks ${sizes}`).toEqual(lines);
  });

  it('gives the same lines read by regions, whatever the readers and region size: long lines, CRLF across a boundary, no final newline', async () => {
    const random = createRandom(77);
    const texts = ['', '\n', '\n\n', 'a', 'a\r', 'a\r\n', '\r\n\r\n', 'x\ny', 'x\ny\n'];
    for (let t = 0; t < 40; t++) {
      const parts: string[] = [];
      for (let k = random.int(60); k > 0; k--) {
        const r = random.int(10);
        parts.push(
          r === 0 ? 'L'.repeat(random.int(300)) : r === 1 ? '\r\n' : r === 2 ? '\n' : r === 3 ? '\r' : r === 4 ? 'é' : 'ab cd'.slice(0, 1 + random.int(5)),
        );
      }
      texts.push(parts.join(''));
    }
    let n = 0;
    for (const text of texts) {
      const file = path.join(dir, `regions-${n++}.log`);
      writeFileSync(file, text);
      const expected = await stringLines(file);
      for (const [readers, regionBytes] of [
        [1, 1],
        [2, 1],
        [2, 3],
        [3, 7],
        [2, 64],
        [2, 1 << 20],
      ]) {
        // Each reader's batches, then region k from reader k % readers: the file order.
        const perReader: string[][][] = [];
        for (let r = 0; r < readers; r++) {
          perReader.push([]);
          for await (const batch of regionLineBytes(file, r, readers, regionBytes)) perReader[r].push(decoded(batch));
        }
        const lines: string[] = [];
        for (let k = 0; perReader[k % readers].length > Math.floor(k / readers); k++) lines.push(...perReader[k % readers][Math.floor(k / readers)]);
        expect(lines, `${JSON.stringify(text)} by ${readers} readers, regions of ${regionBytes}`).toEqual(expected);
      }
    }
  });
});
