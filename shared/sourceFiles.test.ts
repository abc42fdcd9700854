import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './store/memoryStore';
import { readBytes, readLinePieces, readLines } from './sourceFiles';

describe('readLines', () => {
  it('reads gzip by its magic bytes whatever the name, and names a file that does not decompress', async () => {
    const store = createMemoryStore();
    await store.put('landing/a.log', gzipSync('one\ntwo\n'));
    await store.put('landing/b.jsonl.gz', new TextEncoder().encode('plain\r\ntext'));
    const broken = gzipSync('x'.repeat(1000)).subarray(0, 20);
    await store.put('landing/c.gz', broken);
    expect((await readLines(store, 'landing/a.log')).lines).toEqual(['one', 'two']);
    expect((await readLines(store, 'landing/b.jsonl.gz')).lines).toEqual(['plain', 'text']);
    await expect(readLines(store, 'landing/c.gz')).rejects.toThrow(/landing\/c\.gz starts like gzip but does not decompress/);
  });

  it('reports the lines with invalid UTF-8 and the byte where each goes wrong', async () => {
    const store = createMemoryStore();
    const bad = Buffer.concat([
      Buffer.from('ok\r\norders-'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('db\n\ntrunc '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('\n'),
    ]);
    await store.put('landing/u.log', bad);
    const read = await readLines(store, 'landing/u.log');
    expect(read.lines).toHaveLength(4);
    expect([...read.invalidUtf8]).toEqual([
      [1, 7],
      [3, 6],
    ]);
    expect((await readLines(store, 'landing/a.log').catch(() => undefined))?.invalidUtf8.size ?? 0).toBe(0);
  });

  it('decompresses in one chunk by the gzip size, and still whole when that size is only the last member’s', async () => {
    const store = createMemoryStore();
    const big = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n');
    await store.put('landing/one.gz', gzipSync(big));
    // Two gzip members in one file (cat a.gz b.gz): the trailer's size is the second's alone.
    await store.put('landing/two.gz', Buffer.concat([gzipSync(big), gzipSync('\ntail')]));
    expect((await readBytes(store, 'landing/one.gz')).toString()).toBe(big);
    expect((await readBytes(store, 'landing/two.gz')).toString()).toBe(`${big}\ntail`);
    expect((await readLines(store, 'landing/two.gz')).lines).toHaveLength(20_001);
  });
});

describe('readLinePieces', () => {
  const piecesOf = async (store: ReturnType<typeof createMemoryStore>, key: string, chunkBytes: number) => {
    const pieces: Buffer[] = [];
    for await (const piece of readLinePieces(store, key, chunkBytes)) pieces.push(Buffer.from(piece));
    return pieces;
  };

  it('gives the file’s bytes as pieces of whole lines, whatever the chunk size, gzip or not', async () => {
    const store = createMemoryStore();
    // Lines shorter and longer than a chunk, CRLF, blank lines, multi-byte characters, no final LF.
    const text = ['a', '', 'é€😀'.repeat(30), 'x'.repeat(700), 'crlf\r', 'b'.repeat(63), 'c'.repeat(64), 'last without LF'].join('\n');
    await store.put('landing/t.gz', gzipSync(text));
    await store.put('landing/t.log', Buffer.from(text));
    await store.put('landing/lf.gz', gzipSync(`${text}\n`));
    await store.put('landing/two.gz', Buffer.concat([gzipSync('one\ntw'), gzipSync('o\nthree\n')])); // two gzip members
    for (const chunkBytes of [64, 65, 100, 1 << 20]) {
      for (const [key, whole] of [
        ['landing/t.gz', text],
        ['landing/t.log', text],
        ['landing/lf.gz', `${text}\n`],
        ['landing/two.gz', 'one\ntwo\nthree\n'],
      ]) {
        const pieces = await piecesOf(store, key, chunkBytes);
        expect(Buffer.concat(pieces).toString(), `${key} in chunks of ${chunkBytes}`).toBe(whole);
        expect(pieces.slice(0, -1).every((p) => p[p.length - 1] === 0x0a)).toBe(true);
        expect(pieces.every((p) => p.length > 0)).toBe(true);
      }
    }
  });

  it('gives one empty piece for an empty file, and names a file that does not decompress', async () => {
    const store = createMemoryStore();
    await store.put('landing/empty.gz', gzipSync(''));
    await store.put('landing/empty.log', new Uint8Array(0));
    await store.put('landing/cut.gz', gzipSync('x\n'.repeat(100_000)).subarray(0, 200));
    for (const key of ['landing/empty.gz', 'landing/empty.log']) expect((await piecesOf(store, key, 64)).map((p) => p.length)).toEqual([0]);
    await expect(piecesOf(store, 'landing/cut.gz', 64)).rejects.toThrow(/landing\/cut\.gz starts like gzip but does not decompress/);
  });
});
