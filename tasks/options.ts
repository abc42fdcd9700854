import * as z from 'zod';
import { BadInputError } from '../shared/errors';
import { addDays, parseDate } from '../shared/dates';

/** Validates a command's flags; dates are checked here so every step rejects them the same way. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, command: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${String(i.path[0] ?? '').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: ${i.message}`);
    throw new BadInputError(`sentinel ${command}: ${problems.join('; ')}. See \`sentinel ${command} --help\`.`);
  }
  const value = parsed.data as Record<string, unknown>;
  for (const key of ['date', 'from', 'to']) if (typeof value[key] === 'string') parseDate(value[key] as string, `--${key}`);
  // The last day of a --from/--days range must be a supported date too (addDays throws past 9999-12-31).
  if (typeof value.from === 'string' && typeof value.days === 'number') addDays(value.from, value.days - 1);
  return parsed.data;
}

/** `--alert-rate` when none is given: train, the CLI and the retrain DAG (dags/sentinel_infra/config.py) agree, see test/vocabulary.test.ts. */
export const DEFAULT_ALERT_RATE = 'auto';

/** `--alert-rate`: a share in (0, 0.5], or auto (each detector's default, see shared/models/sessionModel). */
export const alertRateOption = z.union([z.literal('auto'), z.coerce.number().positive().max(0.5)]);
