import { describe, expect, it } from 'vitest';
import { normalizeMessage } from './normalizeMessage';
import { createRandom } from '../random';

/** What normalizeMessage gave when the regex decided alone. */
const byRegex = (message: string) => (/\s\s|[^\S ]|^\s|\s$/.test(message) ? message.replace(/\s+/g, ' ').trim() : message);

describe('normalizeMessage', () => {
  it('collapses whitespace runs, tabs and newlines and trims; leaves regular messages as they are', () => {
    expect(normalizeMessage('user 42 logged in')).toBe('user 42 logged in');
    expect(normalizeMessage('  user\t42   logged\nin ')).toBe('user 42 logged in');
    expect(normalizeMessage('trailing ')).toBe('trailing');
    expect(normalizeMessage('a\u00a0b')).toBe('a b');
  });

  it('decides as the regex does on every kind of space, at the ends and inside, ASCII or not', () => {
    const alphabet = [
      'a',
      'Z',
      '7',
      ' ',
      ' ',
      '\t',
      '\n',
      '\v',
      '\f',
      '\r',
      '\u001f',
      '\u007f',
      '\u0085',
      '\u00a0',
      '\u1680',
      '\u2000',
      '\u200a',
      '\u200b',
      '\u2028',
      '\u202f',
      '\u3000',
      '\ufeff',
      'é',
      '😀',
    ];
    const random = createRandom(17);
    const cases = ['', ' ', 'a', 'a b', 'a  b', ' a', 'a '];
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + random.int(6);
      let s = '';
      for (let k = 0; k < n; k++) s += alphabet[random.int(alphabet.length)];
      cases.push(s, `word ${s} word`);
    }
    for (const message of cases) expect(normalizeMessage(message), JSON.stringify(message)).toBe(byRegex(message));
  });
});
