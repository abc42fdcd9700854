import { describe, expect, it } from 'vitest';
import { compileTimestampPattern, createTimestampParser, parseIso, parseIsoMillisUtcBytes } from './timestamps';
import { createRandom } from '../random';

describe('timestamps', () => {
  it('parses ISO with and without offsets (no offset = UTC)', () => {
    expect(parseIso('2026-01-05T13:04:05.123Z')).toBe(Date.UTC(2026, 0, 5, 13, 4, 5, 123));
    expect(parseIso('2026-01-05 13:04:05')).toBe(Date.UTC(2026, 0, 5, 13, 4, 5));
    expect(parseIso('2026-01-05T13:04:05+02:00')).toBe(Date.UTC(2026, 0, 5, 11, 4, 5));
    expect(parseIso('yesterday')).toBeUndefined();
  });

  it('compiles patterns, including two-digit years and month names', () => {
    expect(compileTimestampPattern('yyMMdd HHmmss')('081109 203615')).toBe(Date.UTC(2008, 10, 9, 20, 36, 15));
    expect(compileTimestampPattern('yyyy-MM-dd HH:mm:ss,SSS')('2015-07-29 17:41:44,747')).toBe(Date.UTC(2015, 6, 29, 17, 41, 44, 747));
    expect(compileTimestampPattern('EEE MMM dd HH:mm:ss yyyy')('Sun Dec 04 04:47:44 2005')).toBe(Date.UTC(2005, 11, 4, 4, 47, 44));
    expect(compileTimestampPattern('yyyy-MM-dd-HH.mm.ss.SSSSSS')('2005-06-03-15.42.50.675872')).toBe(Date.UTC(2005, 5, 3, 15, 42, 50, 675));
    expect(compileTimestampPattern('yyyy-MM-dd')('2015-13-01')).toBeUndefined();
  });

  it('detects the format automatically and fills a missing year', () => {
    const parse = createTimestampParser(undefined, 2017);
    expect(parse('081109 203615')).toBe(Date.UTC(2008, 10, 9, 20, 36, 15));
    expect(parse('03-17 16:13:38.811')).toBe(Date.UTC(2017, 2, 17, 16, 13, 38, 811));
    expect(parse('1117838570')).toBe(1117838570_000);
    expect(parse('not a time')).toBeUndefined();
  });

  it('rejects impossible calendar dates and times instead of rolling them over', () => {
    expect(parseIso('2026-02-30T00:00:00Z')).toBeUndefined();
    expect(parseIso('2026-04-31 10:00:00')).toBeUndefined();
    expect(parseIso('2026-01-05T24:00:00Z')).toBeUndefined();
    expect(parseIso('2028-02-29T00:00:00+02:00')).toBe(Date.UTC(2028, 1, 28, 22));
    expect(compileTimestampPattern('yyyy-MM-dd HH:mm:ss')('2026-02-30 00:00:00')).toBeUndefined();
    expect(compileTimestampPattern('yyMMdd HHmmss')('081109 256199')).toBeUndefined();
  });

  it('reads toISOString-style times by char codes exactly as Date.parse does, and leaves impossible ones to the general path', () => {
    const valid = ['2026-01-05T00:00:00.194Z', '2028-02-29T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '0100-06-01T01:02:03.004Z', '9999-12-31T23:59:59.999Z'];
    for (const s of valid) expect(parseIso(s)).toBe(Date.parse(s));
    const impossible = [
      '2027-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-01-05T24:00:00.000Z',
      '2026-01-05T10:60:00.000Z',
      '2026-01-05T10:00:60.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
    ];
    for (const s of impossible) expect(parseIso(s)).toBeUndefined();
    expect(parseIso('2026-01-05T1a:00:00.000Z')).toBeUndefined();
    expect(parseIso('0050-06-01T01:02:03.004Z')).toBeUndefined(); // as before: the calendar check reads years below 100 as 19xx
    expect(parseIso(' 2026-01-05T10:00:00.000Z')).toBe(Date.UTC(2026, 0, 5, 10));
  });

  it('reads yyyy-MM-ddTHH:mm:ss.SSSZ from bytes as Date.UTC does, day after day and back (its per-day memo)', () => {
    const random = createRandom(5);
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    let checked = 0;
    for (let k = 0; k < 20_000; k++) {
      // Runs of a few lines per day, days jumping around leap days, month and year ends, and years 100–9999.
      const year = [100, 1899, 1970, 2000, 2024, 2026, 9999][random.int(7)];
      const month = 1 + random.int(12);
      const day = 1 + random.int(31);
      const [h, mi, s, ms] = [random.int(24), random.int(60), random.int(60), random.int(1000)];
      const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
      const bytes = Buffer.from(`x${text}y`, 'latin1');
      for (let repeat = 0; repeat < 1 + random.int(3); repeat++) {
        const expected = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day ? Date.UTC(year, month - 1, day, h, mi, s, ms) : undefined;
        expect(parseIsoMillisUtcBytes(bytes, 1, 25), text).toBe(expected);
        expect(parseIso(text), text).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20_000);
  });
});
