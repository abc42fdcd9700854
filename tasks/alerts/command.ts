import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { listAlerts, setAlertStatus, type AlertRow } from '../../shared/db/alerts';
import { BadInputError } from '../../shared/errors';
import { parseOptions } from '../options';

export const alertsOptions = z.object({
  action: z.enum(['list', 'ack', 'resolve']),
  id: z.coerce.number().int().positive().optional(),
  status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
  reason: z.string().optional(),
  json: z.boolean().default(false),
  lake: z.string().optional(),
});

function formatTable(alerts: AlertRow[]): string {
  if (!alerts.length) return 'no alerts\n';
  return (
    alerts.map((a) => `${String(a.id).padStart(5)}  ${a.status.padEnd(12)} sev ${String(a.severity).padStart(3)}  ${a.first_seen}  ${a.summary}`).join('\n') +
    '\n'
  );
}

/** `sentinel alerts list|ack|resolve`: the alert lifecycle open → acknowledged → resolved. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(alertsOptions, raw, 'alerts');
  return runStep({ task: 'alerts', overrides: { lake: opts.lake, logLevel: 'warn' }, ...step }, async (ctx) => {
    const { pool } = await ctx.db();
    if (opts.action === 'list') {
      const alerts = await listAlerts(pool, opts.status);
      if (!opts.json) process.stdout.write(formatTable(alerts));
      return { alerts: alerts.map((a) => ({ id: a.id, status: a.status, severity: a.severity, service: a.service, type: a.anomaly_type })) };
    }
    if (!opts.id) throw new BadInputError(`sentinel alerts ${opts.action} needs an alert id: sentinel alerts ${opts.action} <id>`);
    const a = await setAlertStatus(pool, opts.id, opts.action === 'ack' ? 'acknowledged' : 'resolved', opts.reason);
    return { id: a.id, status: a.status };
  });
}
