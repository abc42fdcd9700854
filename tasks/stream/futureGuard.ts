/**
 * The stream's guard against records from the future, as Loki refuses entries past its creation
 * grace period. A partition's newest event time seals its windows, so one record a month ahead (a
 * producer with a bad clock) would seal a month of empty windows for every service on that
 * partition (each a "traffic drop") and make every normal record after it late. Such a record goes
 * to the dead-letter topic instead, and lands like any bad record (decision 120).
 */
export interface FutureLimit {
  /** How far past the consumer's clock an event time may be. */
  ms: number;
  /** The option as given (`1h`), for the reason. */
  text: string;
}

/** A failed parse's shape (`LineResult`), so the record takes the bad records' path. */
export interface FutureRefusal {
  ok: false;
  reason: string;
  /** The reason's summary key, like ingest's `timestamp:other_date`. */
  key: 'timestamp:future';
}

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
];

/** `30 d`, `1.1 h`, `45 s`: one decimal, rounded up, so a time just past the limit never reads as the limit. */
export function spanText(ms: number): string {
  const [unit, size] = UNITS.find(([, size]) => ms >= size) ?? UNITS[UNITS.length - 1];
  return `${Math.ceil((ms / size) * 10) / 10} ${unit}`;
}

/** Why a record with event time `ts` is refused when the consumer's clock reads `nowMs`, or undefined when it is not too far ahead. */
export function refuseFuture(ts: number, nowMs: number, limit: FutureLimit): FutureRefusal | undefined {
  const ahead = ts - nowMs;
  if (ahead <= limit.ms) return undefined;
  return {
    ok: false,
    key: 'timestamp:future',
    reason: `timestamp ${new Date(ts).toISOString()} is ${spanText(ahead)} ahead of this consumer's clock (--max-future ${limit.text}): fix the producer's clock or the record`,
  };
}
