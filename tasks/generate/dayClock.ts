import { dayStart } from '../../shared/dates';

export const MINUTES_PER_DAY = 1440;
export const MINUTE_MS = 60_000;

/**
 * ISO-8601 timestamps within one UTC day. `new Date(ms).toISOString()` per record would be a
 * noticeable share of the generator's time, so the "YYYY-MM-DDTHH:MM:" prefix of every minute is
 * built once and only seconds and milliseconds are formatted per record.
 */
export class DayClock {
  readonly startMs: number;
  readonly endMs: number;
  private readonly prefixes: string[];

  constructor(readonly date: string) {
    this.startMs = dayStart(date);
    this.endMs = this.startMs + MINUTES_PER_DAY * MINUTE_MS;
    this.prefixes = Array.from({ length: MINUTES_PER_DAY }, (_, m) => new Date(this.startMs + m * MINUTE_MS).toISOString().slice(0, 17));
  }

  /** Minute of the day (0..1439) of an instant inside the day. */
  minuteOf(ms: number): number {
    return Math.floor((ms - this.startMs) / MINUTE_MS);
  }

  /** `ms` must lie inside the day. */
  iso(ms: number): string {
    const offset = ms - this.startMs;
    const minute = Math.floor(offset / MINUTE_MS);
    const inMinute = offset - minute * MINUTE_MS;
    const sec = Math.floor(inMinute / 1000);
    const milli = inMinute - sec * 1000;
    return this.prefixes[minute] + (sec < 10 ? '0' : '') + sec + (milli < 10 ? '.00' : milli < 100 ? '.0' : '.') + milli + 'Z';
  }
}
