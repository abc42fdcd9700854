import { describe, expect, it } from 'vitest';
import { addDays, isCalendarTime, isSupportedTime, parseDate } from './dates';
import { BadInputError } from './errors';

describe('dates', () => {
  it('accepts real calendar dates in 1970..9999 and rejects the rest with exit 2', () => {
    expect(parseDate('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-30', '2026-02-29', '2026-13-01', '2026-04-31', '0000-01-01', '1969-12-31', '2026-1-05']) {
      expect(() => parseDate(bad, '--date'), bad).toThrow(BadInputError);
    }
  });

  it('refuses to step past 9999-12-31', () => {
    expect(addDays('9999-12-30', 1)).toBe('9999-12-31');
    expect(() => addDays('9999-12-31', 1)).toThrow(/past 9999-12-31/);
  });

  it('checks calendar fields and the supported time range', () => {
    expect(isCalendarTime(2026, 1, 28, 23, 59, 59)).toBe(true);
    expect(isCalendarTime(2026, 1, 30, 0, 0, 0)).toBe(false);
    expect(isCalendarTime(2026, 0, 5, 24, 0, 0)).toBe(false);
    expect(isSupportedTime(Date.UTC(2026, 0, 5))).toBe(true);
    for (const t of [1e20, 8.7e15, -1, Number.NaN, Date.UTC(10000, 0, 1)]) expect(isSupportedTime(t), String(t)).toBe(false);
  });
});
