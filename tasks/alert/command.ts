import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { inTransaction } from '../../shared/db/database';
import { listAnomalies } from '../../shared/db/anomalies';
import { autoResolve } from '../../shared/db/alerts';
import { dayStart } from '../../shared/dates';
import { parseOptions } from '../options';
import { reasonOf } from '../../shared/anomalyReasons';
import { groupIncidents } from '../../shared/incidents';
import { channelsFromConfig } from '../../shared/alerting/channels';
import { raiseAlerts } from '../../shared/alerting/raise';
import { deliverAlerts } from '../../shared/alerting/dispatch';
import { crashPoint } from '../../shared/faultInjection';

export const alertOptions = z.object({ date: z.string(), dryRun: z.boolean().default(false), lake: z.string().optional() });

/**
 * anomalies of a date → incidents → alerts (deduplicated against open ones) → webhook deliveries.
 * Times come from the data and the partition date, never the wall clock, so backfills and reruns
 * decide the same way. A delivery is keyed by (alert, channel, last_seen): a rerun sends nothing
 * new, a grown incident is sent again. Deliveries run 4 at a time within a time budget; what the
 * budget leaves is recorded pending and sent first by the next run.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(alertOptions, raw, 'alert');
  return runStep({ task: 'alert', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const { pool } = await ctx.db();
    const cfg = ctx.config;
    const channels = channelsFromConfig(cfg);
    const anomalies = await listAnomalies(pool, opts.date, opts.date);
    const forAlerting = anomalies.map((a) => ({ ...a, reason: reasonOf(a.explanation) }));
    const incidents = groupIncidents(forAlerting, cfg.alertGroupGapMinutes * 60_000);
    if (opts.dryRun) {
      return {
        date: opts.date,
        dryRun: true,
        anomalies: anomalies.length,
        incidents: incidents.length,
        channels: channels.map((c) => c.name),
        wouldAlert: incidents.map((i) => i.summary),
      };
    }
    const endOfDay = new Date(dayStart(opts.date) + 86_400_000);
    const policy = { groupGapMs: cfg.alertGroupGapMinutes * 60_000, cooldownMs: cfg.alertCooldownMinutes * 60_000 };
    const touched = await inTransaction(pool, (client) => raiseAlerts(client, forAlerting, policy));
    crashPoint('db:alerts:after-commit');
    const resolved = await inTransaction(pool, (c) =>
      autoResolve(c, new Date(endOfDay.getTime() - cfg.alertQuietMinutes * 60_000), endOfDay, cfg.alertQuietMinutes),
    );
    crashPoint('db:auto-resolve:after-commit');

    // Deliveries: those an earlier run left pending first, then this run's, within the time budget.
    const ids = touched.map((t) => t.row.id);
    const deadline = Date.now() + cfg.alertDeliveryBudgetSeconds * 1000;
    const deliveries = await deliverAlerts(pool, ids, channels, { deadline, concurrency: cfg.alertDeliveryConcurrency }, ctx.log);
    if (deliveries.pending) {
      ctx.log.warn(
        { pending: deliveries.pending, budgetSeconds: cfg.alertDeliveryBudgetSeconds },
        'alert deliveries left pending: the time budget ran out (the next alert run sends them first)',
      );
    }
    return {
      date: opts.date,
      anomalies: anomalies.length,
      incidents: incidents.length,
      alerts: ids.length,
      autoResolved: resolved.length,
      channels: channels.length,
      ...deliveries,
    };
  });
}
