import { MINUTES_PER_DAY } from './dayClock';
import { seasonalFactor } from './seasonality';
import type { Service } from './services';

/**
 * Expected records per minute (λ of the Poisson counts) for each service over one day, before
 * anomalies: logsPerDay split by service share, shaped by seasonality. For the session service it
 * is the expected number of session events (sessions start at λ / mean session length).
 */
export function minuteRates(services: readonly Service[], dayOfWeek: number, logsPerDay: number): Float64Array[] {
  return services.map((service) => {
    const base = (logsPerDay * service.share) / MINUTES_PER_DAY;
    return Float64Array.from({ length: MINUTES_PER_DAY }, (_, m) => base * seasonalFactor(m, dayOfWeek, service.kind.seasonality));
  });
}

/** Lowest rate over the minutes [from, to): an anomaly must be visible even at its quietest minute. */
export function lowestRate(rates: Float64Array, from: number, to: number): number {
  let low = Infinity;
  for (let m = from; m < to; m++) if (rates[m] < low) low = rates[m];
  return low;
}
