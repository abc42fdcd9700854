import { describe, expect, it } from 'vitest';
import { facts } from './runtime';

describe('the summary line', () => {
  it('keeps the first numbers and short strings of a result', () => {
    expect(facts({ date: '2026-01-05', rows: 120, nested: { a: 1 }, ok: true, long: 'x'.repeat(100) })).toBe(', date=2026-01-05 rows=120 ok=true');
    expect(facts({ nested: {} })).toBe('');
  });
});
