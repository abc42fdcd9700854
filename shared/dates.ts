import { BadInputError } from './errors';

/**
 * UTC calendar dates as YYYY-MM-DD strings: partitions are keyed by them, never by "today".
 * Supported: 1970-01-01 to 9999-12-31, so that every date has four digits and every time fits the
 * lake's int64 milliseconds and Postgres' timestamptz.
 */
const DAY_MS = 86_400_000;
export const FIRST_DATE = '1970-01-01';
export const LAST_DATE = '9999-12-31';
const MAX_TIME = Date.UTC(10000, 0, 1); // exclusive

/** Whether the fields name a real UTC instant (no Feb 30, no hour 24): Date.UTC rolls them over silently. */
export function isCalendarTime(year: number, month0: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  const d = new Date(Date.UTC(year, month0, day, hour, minute, second));
  return (
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month0 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute &&
    d.getUTCSeconds() === second
  );
}

/** Epoch milliseconds within the supported dates. */
export function isSupportedTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms < MAX_TIME;
}

export function parseDate(value: string, what = 'date'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) throw new BadInputError(`invalid ${what} "${value}": use YYYY-MM-DD`);
  if (!isCalendarTime(Number(m[1]), Number(m[2]) - 1, Number(m[3])) || value < FIRST_DATE) {
    throw new BadInputError(`invalid ${what} "${value}": not a calendar date from ${FIRST_DATE} to ${LAST_DATE}`);
  }
  return value;
}

export function dayStart(date: string): number {
  return Date.parse(date + 'T00:00:00Z');
}

export function addDays(date: string, days: number): string {
  const t = dayStart(date) + days * DAY_MS;
  if (!isSupportedTime(t))
    throw new BadInputError(
      `${date} ${days >= 0 ? '+' : '-'} ${Math.abs(days)} days is outside ${FIRST_DATE}..${LAST_DATE} (past ${LAST_DATE} or before ${FIRST_DATE})`,
    );
  return new Date(t).toISOString().slice(0, 10);
}

/** Inclusive range of dates. */
export function dateRange(from: string, to: string): string[] {
  parseDate(from, '--from date');
  parseDate(to, '--to date');
  if (to < from) throw new BadInputError(`--to ${to} is before --from ${from}`);
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
