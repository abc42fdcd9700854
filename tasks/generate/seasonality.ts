import { MINUTES_PER_DAY } from './dayClock';

/**
 * Traffic shape over the day and the week (UTC). A shop's traffic bottoms out around 04:00, climbs
 * through the morning, peaks in the afternoon with an extra evening shopping bump, and is lower on
 * weekends. Services follow the shape with their own strength (cron jobs not at all).
 */

function dailyShape(minute: number): number {
  const h = minute / 60;
  const base = 0.575 - 0.425 * Math.cos((2 * Math.PI * (h - 4)) / 24);
  const evening = 0.15 * Math.exp(-((h - 20) ** 2) / (2 * 1.2 ** 2));
  return base + evening;
}

/** Relative traffic per minute of the day, with mean 1 (so it redistributes but does not change a day's volume). */
export const DAILY_PROFILE: Float64Array = (() => {
  const p = Float64Array.from({ length: MINUTES_PER_DAY }, (_, m) => dailyShape(m + 0.5));
  const mean = p.reduce((s, v) => s + v, 0) / p.length;
  return p.map((v) => v / mean);
})();

/**
 * By day of week, Sunday first (Date#getUTCDay). Weekdays are the reference: `logsPerDay` is the
 * volume of an ordinary weekday; Saturday and Sunday are quieter.
 */
export const WEEKLY_PROFILE: readonly number[] = [0.6, 1, 1, 1, 1, 1, 0.7];

/**
 * Multiplier of a service's base rate at a minute of a day of the week.
 * @param strength 0 = flat, 1 = the full daily and weekly pattern.
 */
export function seasonalFactor(minuteOfDay: number, dayOfWeek: number, strength: number): number {
  const daily = 1 - strength + strength * DAILY_PROFILE[minuteOfDay];
  const weekly = 1 - strength * (1 - WEEKLY_PROFILE[dayOfWeek]);
  return daily * weekly;
}
