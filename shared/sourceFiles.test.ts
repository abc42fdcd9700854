import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './store/memoryStore';
import { readLines } from './sourceFiles';

describe('readLines', () => {
  it('reads gzip by its magic bytes whatever the name, and names a file that does not decompress', async () => {
    const store = createMemoryStore();
    await store.put('landing/a.log', gzipSync('one\ntwo\n'));
    await store.put('landing/b.jsonl.gz', new TextEncoder().encode('plain\r\ntext'));
    const broken = gzipSync('x'.repeat(1000)).subarray(0, 20);
    await store.put('landing/c.gz', broken);
    expect(await readLines(store, 'landing/a.log')).toEqual(['one', 'two']);
    expect(await readLines(store, 'landing/b.jsonl.gz')).toEqual(['plain', 'text']);
    await expect(readLines(store, 'landing/c.gz')).rejects.toThrow(/landing\/c\.gz starts like gzip but does not decompress/);
  });
});
