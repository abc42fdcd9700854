import { describe, expect, it } from 'vitest';
import { normalizeMessage } from './normalizeMessage';

describe('normalizeMessage', () => {
  it('collapses whitespace runs, tabs and newlines and trims; leaves regular messages as they are', () => {
    expect(normalizeMessage('user 42 logged in')).toBe('user 42 logged in');
    expect(normalizeMessage('  user\t42   logged\nin ')).toBe('user 42 logged in');
    expect(normalizeMessage('trailing ')).toBe('trailing');
    expect(normalizeMessage('a\u00a0b')).toBe('a b');
  });
});
