import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { StringCounts } from './stringCounts';

describe('StringCounts', () => {
  it('counts like a Map through growth: empty, non-ASCII, lone surrogates, long and prefix-sharing keys', () => {
    const random = createRandom(5);
    const counts = new StringCounts();
    const expected = new Map<string, number>();
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'é',
      '日本',
      '🙂x',
      '\u0080',
      '\u00ff',
      '\uffff',
      // Lone surrogates: UTF-8 would encode both as U+FFFD and count them as one key.
      '\ud800',
      '\ud801',
      'a\udc00',
      'x'.repeat(70_000),
      ...Array.from({ length: 6_000 }, (_, i) => `s-${(i * 2_654_435_761) % 4_294_967_296}`),
    ];
    for (let i = 0; i < 40_000; i++) {
      const key = keys[random.int(keys.length)];
      expect(counts.get(key)).toBe(expected.get(key) ?? 0);
      counts.increment(key);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(expected.size);
    for (const key of keys) expect(counts.get(key)).toBe(expected.get(key) ?? 0);
    expect(counts.get('s-unseen')).toBe(0);
    expect(counts.get('ab ')).toBe(0);
  });
});
