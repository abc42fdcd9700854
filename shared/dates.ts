import { BadInputError } from './errors';

/** UTC calendar dates as YYYY-MM-DD strings: partitions are keyed by them, never by "today". */
const DAY_MS = 86_400_000;

export function parseDate(value: string, what = 'date'): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value + 'T00:00:00Z'))) {
    throw new BadInputError(`invalid ${what} "${value}": use YYYY-MM-DD`);
  }
  return value;
}

export function dayStart(date: string): number {
  return Date.parse(date + 'T00:00:00Z');
}

export function addDays(date: string, days: number): string {
  return new Date(dayStart(date) + days * DAY_MS).toISOString().slice(0, 10);
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
