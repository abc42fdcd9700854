import { z } from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { inTransaction } from '../../shared/db/database';
import { listAnomalies } from '../../shared/db/anomalies';
import {
  alertsByIds,
  autoResolve,
  extendAlert,
  insertAlert,
  recentAlerts,
  pendingDeliveries,
  recordDelivery,
  refreshAnomalyCounts,
  supersedeDelivery,
  wasDelivered,
  type AlertRow,
} from '../../shared/db/alerts';
import { dayStart } from '../../shared/dates';
import { parseOptions } from '../options';
import { reasonOf } from '../../shared/anomalyReasons';
import { groupIncidents, matchOpenAlert } from '../../shared/incidents';
import { channelsFromConfig } from './channels';
import { DEFAULT_RETRY, deliver, idempotencyKey, runBounded, type Channel, type DeliveryOutcome } from './deliver';
import type { AlertForDelivery } from './payload';
import { crashPoint } from '../../shared/faultInjection';

/** An alert row as webhooks receive it. */
function forDelivery(a: AlertRow): AlertForDelivery {
  return {
    id: a.id,
    service: a.service,
    anomaly_type: a.anomaly_type,
    severity: a.severity,
    status: a.status,
    first_seen: new Date(a.first_seen).toISOString(),
    last_seen: new Date(a.last_seen).toISOString(),
    anomaly_count: a.anomaly_count,
    summary: a.summary,
    reasons: a.details?.reasons ?? [],
  };
}

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
    const incidents = groupIncidents(
      anomalies.map((a) => ({ ...a, reason: reasonOf(a.explanation) })),
      cfg.alertGroupGapMinutes * 60_000,
    );
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
    const touched: AlertRow[] = await inTransaction(pool, async (client) => {
      const since = new Date(dayStart(opts.date) - cfg.alertCooldownMinutes * 60_000);
      const open = (await recentAlerts(client, since)).map((a) => ({
        id: a.id,
        dedupKey: a.dedup_key,
        firstSeen: Date.parse(a.first_seen),
        lastSeen: Date.parse(a.last_seen),
      }));
      const rows: AlertRow[] = [];
      for (const incident of incidents) {
        const match = matchOpenAlert(incident, open, cfg.alertCooldownMinutes * 60_000);
        const row = match ? await extendAlert(client, match.id, incident) : await insertAlert(client, incident, new Date(incident.firstSeen));
        if (!match) open.push({ id: row.id, dedupKey: row.dedup_key, firstSeen: Date.parse(row.first_seen), lastSeen: Date.parse(row.last_seen) });
        else match.lastSeen = Math.max(match.lastSeen, incident.lastSeen);
        rows.push(row);
      }
      await refreshAnomalyCounts(client, [...new Set(rows.map((r) => r.id))]);
      return rows;
    });
    crashPoint('db:alerts:after-commit');
    const resolved = await inTransaction(pool, (c) =>
      autoResolve(c, new Date(endOfDay.getTime() - cfg.alertQuietMinutes * 60_000), endOfDay, cfg.alertQuietMinutes),
    );
    crashPoint('db:auto-resolve:after-commit');

    // Deliveries: those an earlier run left pending first, then this run's; at most
    // alertDeliveryConcurrency in flight, and none started (in-flight ones cut) after the budget.
    const started = Date.now();
    const deadline = started + cfg.alertDeliveryBudgetSeconds * 1000;
    const deliveries = { delivered: 0, failed: 0, skipped: 0, pending: 0 };
    const ids = [...new Set(touched.map((t) => t.id))];
    const pending = await pendingDeliveries(pool);
    const current = new Map((await alertsByIds(pool, [...new Set([...ids, ...pending.map((p) => p.alertId)])])).map((r) => [r.id, r]));
    const jobs = new Map<string, { alert: AlertForDelivery; channel: Channel }>();
    for (const p of pending) {
      const a = current.get(p.alertId);
      const channel = channels.find((c) => c.name === p.channel);
      if (!a || !channel) continue; // the channel is no longer configured: it stays pending
      const alert = forDelivery(a);
      if (alert.last_seen !== p.revision) await supersedeDelivery(pool, p);
      else jobs.set(idempotencyKey(alert, channel), { alert, channel });
    }
    for (const id of ids) {
      const alert = forDelivery(current.get(id)!);
      for (const channel of channels) {
        const key = idempotencyKey(alert, channel);
        if (jobs.has(key)) continue;
        if (alert.severity < channel.minSeverity || (await wasDelivered(pool, id, channel.name, alert.last_seen))) deliveries.skipped++;
        else jobs.set(key, { alert, channel });
      }
    }
    const record = async ({ alert, channel }: { alert: AlertForDelivery; channel: Channel }, outcome: DeliveryOutcome) => {
      await recordDelivery(pool, { alertId: alert.id, channel: channel.name, revision: alert.last_seen, ...outcome });
      crashPoint('alert:after-first-delivery');
      deliveries[outcome.status]++;
      if (outcome.status === 'failed')
        ctx.log.warn(
          { alertId: alert.id, channel: channel.name, attempts: outcome.attempts, error: outcome.error },
          'alert delivery failed (recorded; a rerun retries it)',
        );
    };
    await runBounded(
      [...jobs.values()],
      cfg.alertDeliveryConcurrency,
      deadline,
      async (job) => record(job, await deliver(job.alert, job.channel, DEFAULT_RETRY, undefined, deadline)),
      (job) => record(job, { status: 'pending', attempts: 0, error: "the run's delivery time budget ran out" }),
    );
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
