import * as z from 'zod';
import { INJECTED_ANOMALY_TYPES } from '../../shared/schemas';
import { MAX_ANOMALIES_PER_DAY } from './anomalies';
import { DEFAULT_SERVICE_COUNT, MAX_SERVICE_COUNT } from './services';

/**
 * Options of `sentinel generate`. Numbers are coerced so CLI strings validate as they are; the CLI
 * wiring can pass this schema to tasks/options.ts parseOptions for uniform error messages.
 */
export const generateOptionsSchema = z.object({
  seed: z.coerce.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).default(42),
  /** First date, YYYY-MM-DD (UTC). */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'),
  days: z.coerce.number().int().min(1).max(366).default(1),
  /** Approximate records of an ordinary weekday (weekends are quieter; anomalies add or remove a little). */
  logsPerDay: z.coerce.number().int().min(1000).max(100_000_000).default(200_000),
  services: z.coerce.number().int().min(1).max(MAX_SERVICE_COUNT).default(DEFAULT_SERVICE_COUNT),
  /** Mean anomalies per day over all services (fractions allowed: 0.5 = one every other day). */
  anomaliesPerDay: z.coerce.number().min(0).max(MAX_ANOMALIES_PER_DAY).default(12),
  /** Restrict the injected types (default: all, about equally often). */
  anomalyTypes: z
    .array(z.enum(INJECTED_ANOMALY_TYPES))
    .min(1)
    .default([...INJECTED_ANOMALY_TYPES]),
  /** Share of output lines that are deliberately malformed (0 = none). */
  malformedRate: z.coerce.number().min(0).max(0.5).default(0),
});

export type GenerateOptionsInput = z.input<typeof generateOptionsSchema>;
export type GenerateOptions = z.output<typeof generateOptionsSchema>;

/** Throws zod's error on invalid options; the CLI should prefer parseOptions for exit code 2. */
export function resolveGenerateOptions(input: GenerateOptionsInput): GenerateOptions {
  return generateOptionsSchema.parse(input);
}
