import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './store/memoryStore';
import { readBytes, readLines } from './sourceFiles';

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
