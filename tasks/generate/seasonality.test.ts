import { describe, expect, it } from 'vitest';
import { DAILY_PROFILE, seasonalFactor, WEEKLY_PROFILE } from './seasonality';

describe('seasonality', () => {
  it('daily profile averages 1 and peaks in the afternoon, bottoms out at night', () => {
    const mean = DAILY_PROFILE.reduce((s, v) => s + v, 0) / DAILY_PROFILE.length;
    expect(mean).toBeCloseTo(1, 9);
    const at = (h: number) => DAILY_PROFILE[h * 60];
    expect(at(4)).toBeLessThan(0.35);
    expect(at(15)).toBeGreaterThan(1.4);
    expect(at(15) / at(4)).toBeGreaterThan(5);
  });

  it('weekends are quieter than weekdays; weekdays are the reference', () => {
    expect(WEEKLY_PROFILE[1]).toBe(1);
    expect(WEEKLY_PROFILE[0]).toBeLessThan(1);
    expect(WEEKLY_PROFILE[6]).toBeLessThan(1);
  });

  it('strength 0 is flat, strength 1 follows the full pattern', () => {
    expect(seasonalFactor(4 * 60, 0, 0)).toBe(1);
    expect(seasonalFactor(15 * 60, 6, 0)).toBe(1);
    expect(seasonalFactor(15 * 60, 3, 1)).toBeCloseTo(DAILY_PROFILE[15 * 60], 12);
    expect(seasonalFactor(15 * 60, 0, 1)).toBeCloseTo(DAILY_PROFILE[15 * 60] * WEEKLY_PROFILE[0], 12);
  });
});
