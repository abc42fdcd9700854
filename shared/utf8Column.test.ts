import { describe, expect, it } from 'vitest';
import { Utf8, vectorFromArray } from 'apache-arrow';
import { utf8Strings } from './utf8Column';

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
});
