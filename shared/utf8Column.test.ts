import { describe, expect, it } from 'vitest';
import { Utf8, vectorFromArray } from 'apache-arrow';
import { utf8Strings, writeUtf8 } from './utf8Column';

describe('utf8Strings', () => {
  it('decodes repeated, distinct, long, non-ASCII and null values exactly as Arrow does', () => {
    const values: (string | null)[] = [];
    for (let i = 0; i < 5000; i++) {
      values.push(['api', 'db', 'ünïcode ✓', null, 'x'.repeat(40 + (i % 3)), `ab${i % 7}`, `ba${i % 7}`][i % 7]);
    }
    const vec = vectorFromArray(values, new Utf8());
    expect(utf8Strings(vec)).toEqual(vec.toArray());
    expect(utf8Strings(vec)).toEqual(values);
  });

  it('stays exact on a column of mostly distinct values (where it stops caching)', () => {
    const values = Array.from({ length: 6000 }, (_, i) => (i % 500 === 0 ? null : `user-${i}`));
    expect(utf8Strings(vectorFromArray(values, new Utf8()))).toEqual(values);
  });

  it('stays exact when a repeating column has more distinct values than the cache holds, empty strings included', () => {
    const values = Array.from({ length: 60_000 }, (_, i) => (i < 20_000 ? `s${i % 100}` : i % 997 === 0 ? '' : `k${i % 6000}-ü`));
    const vec = vectorFromArray(values, new Utf8());
    expect(utf8Strings(vec)).toEqual(values);
  });

  it('decodes a leading byte order mark as Arrow does, with nulls at odd offsets', () => {
    const values = Array.from({ length: 3000 }, (_, i) => (i % 3 === 1 ? null : i % 5 === 0 ? '\uFEFFbom' : `v${i % 4}`));
    const vec = vectorFromArray(values, new Utf8());
    expect(utf8Strings(vec)).toEqual(vec.toArray());
    expect(utf8Strings(vec.slice(7, 2500))).toEqual(vec.slice(7, 2500).toArray());
  });
});

describe('writeUtf8', () => {
  it('writes what TextEncoder writes, ASCII or not', () => {
    for (const s of ['', 'GET /x 200', 'ünïcode ✓', 'ascii then é', '𝄞 clef', 'x'.repeat(300)]) {
      const bytes = new Uint8Array(5 + s.length * 3);
      const end = writeUtf8(s, bytes, 5);
      expect(bytes.subarray(5, end)).toEqual(new TextEncoder().encode(s));
    }
  });
});
