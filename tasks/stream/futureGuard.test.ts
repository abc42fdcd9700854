import { describe, expect, it } from 'vitest';
import { refuseFuture, spanText } from './futureGuard';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const HOUR = 3_600_000;
const limit = { ms: HOUR, text: '1h' };

describe('refuseFuture', () => {
  it('refuses an event time more than --max-future past the clock, with the time, how far ahead and what to do', () => {
    const refusal = refuseFuture(NOW + 30 * 24 * HOUR, NOW, limit);
    expect(refusal).toEqual({
      ok: false,
      key: 'timestamp:future',
      reason: "timestamp 2027-01-01T12:00:00.000Z is 30 d ahead of this consumer's clock (--max-future 1h): fix the producer's clock or the record",
    });
  });

  it('accepts the past, the present and anything up to the limit itself', () => {
    for (const ts of [1000, NOW - 30 * 24 * HOUR, NOW, NOW + HOUR]) expect(refuseFuture(ts, NOW, limit)).toBeUndefined();
    expect(refuseFuture(NOW + HOUR + 1, NOW, limit)?.key).toBe('timestamp:future');
    // The clock is the caller's: the same record is fine an hour later.
    expect(refuseFuture(NOW + 2 * HOUR, NOW + HOUR, limit)).toBeUndefined();
  });

  it('says how far ahead in the largest unit, never rounded down to the limit', () => {
    expect(spanText(HOUR + 30_000)).toBe('1.1 h');
    expect(spanText(90 * 60_000)).toBe('1.5 h');
    expect(spanText(45_000)).toBe('45 s');
    expect(spanText(500)).toBe('0.5 s');
  });
});
