import { describe, expect, it } from 'vitest';
import { vectorFromArray, Utf8 } from 'apache-arrow';
import { mayNeedTrim } from './serviceTrim';
import { createRandom } from '../../shared/random';

const vec = (values: (string | null)[]) => vectorFromArray(values, new Utf8());
/** What parse did per row: a value changes when `String(v).trim()` differs from it. */
const changes = (values: (string | null)[]) => values.some((v) => String(v).trim() !== v);

describe('mayNeedTrim', () => {
  it('is false for plain names and empty strings, true for a null and for spaces or non-ASCII at either end', () => {
    expect(mayNeedTrim(vec(['api-gateway', 'db', '', 'a b']))).toBe(false);
    expect(mayNeedTrim(vec(['api', null]))).toBe(true);
    for (const edge of [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\ufeff', '\u2003', '\u3000', 'é'])
      for (const v of [`${edge}api`, `api${edge}`]) expect(mayNeedTrim(vec(['db', v])), JSON.stringify(v)).toBe(true);
  });

  it('reads a sliced vector and vectors of several chunks by their own rows', () => {
    const padded = vec([' x', 'api', 'db', 'y ']);
    expect(mayNeedTrim(padded.slice(1, 3))).toBe(false);
    expect(mayNeedTrim(padded.slice(0, 2))).toBe(true);
    expect(mayNeedTrim(vec(['a']).concat(vec(['b', 'c '])))).toBe(true);
    expect(mayNeedTrim(vec(['a']).concat(vec(['b', 'c'])))).toBe(false);
  });

  it('is never false where trimming would change a value (random names with every kind of space)', () => {
    const random = createRandom(17);
    const pieces = ['a', 'Z', '-', '9', ' ', '\t', '\u00a0', '\u2028', '\ufeff', 'ü', '𝄞', '\u200b', '\u180e'];
    for (let round = 0; round < 2_000; round++) {
      const values = Array.from({ length: 1 + random.int(4) }, () => Array.from({ length: random.int(5) }, () => pieces[random.int(pieces.length)]).join(''));
      if (changes(values)) expect(mayNeedTrim(vec(values)), JSON.stringify(values)).toBe(true);
    }
  });
});
