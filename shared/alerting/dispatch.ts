import type pg from 'pg';
import { alertsByIds, pendingDeliveries, recordDelivery, supersedeDelivery, wasDelivered, type AlertRow } from '../db/alerts';
import { crashPoint } from '../faultInjection';
import type { Logger } from '../logger';
import { DEFAULT_RETRY, deliver, idempotencyKey, runBounded, type Channel, type DeliveryOutcome } from './deliver';
import type { AlertForDelivery } from './payload';

/**
 * Webhook deliveries of alerts, shared by the daily `alert` step and `stream`: first the deliveries
 * left pending (by a run whose time budget ran out, or queued by the stream), then those of the
 * alerts given. At most `concurrency` in flight, none started (in-flight ones cut) after the
 * deadline: what is left stays pending for the next run. A delivery is keyed by (alert, channel,
 * revision = last_seen): a rerun sends nothing new, a grown alert is sent again.
 */
export interface DeliveryCounts {
  delivered: number;
  failed: number;
  skipped: number;
  pending: number;
}

/** An alert row as webhooks receive it. */
export function forDelivery(a: AlertRow): AlertForDelivery {
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

export async function deliverAlerts(
  pool: pg.Pool,
  alertIds: readonly number[],
  channels: readonly Channel[],
  limits: { deadline: number; concurrency: number },
  log: Logger,
): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { delivered: 0, failed: 0, skipped: 0, pending: 0 };
  const pending = await pendingDeliveries(pool);
  const current = new Map((await alertsByIds(pool, [...new Set([...alertIds, ...pending.map((p) => p.alertId)])])).map((r) => [r.id, r]));
  const jobs = new Map<string, { alert: AlertForDelivery; channel: Channel }>();
  const consider = async (alert: AlertForDelivery, channel: Channel) => {
    const key = idempotencyKey(alert, channel);
    if (jobs.has(key)) return;
    if (alert.severity < channel.minSeverity || (await wasDelivered(pool, alert.id, channel.name, alert.last_seen))) counts.skipped++;
    else jobs.set(key, { alert, channel });
  };
  for (const p of pending) {
    const a = current.get(p.alertId);
    const channel = channels.find((c) => c.name === p.channel);
    if (!a || !channel) continue; // the channel is no longer configured: it stays pending
    const alert = forDelivery(a);
    if (alert.last_seen === p.revision) jobs.set(idempotencyKey(alert, channel), { alert, channel });
    else {
      // The alert grew since it was queued: its current revision is sent instead.
      await supersedeDelivery(pool, p);
      await consider(alert, channel);
    }
  }
  for (const id of alertIds) {
    const row = current.get(id);
    if (row) for (const channel of channels) await consider(forDelivery(row), channel);
  }
  const record = async ({ alert, channel }: { alert: AlertForDelivery; channel: Channel }, outcome: DeliveryOutcome) => {
    await recordDelivery(pool, { alertId: alert.id, channel: channel.name, revision: alert.last_seen, ...outcome });
    crashPoint('alert:after-first-delivery');
    counts[outcome.status]++;
    if (outcome.status === 'failed')
      log.warn(
        { alertId: alert.id, channel: channel.name, attempts: outcome.attempts, error: outcome.error },
        'alert delivery failed (recorded; a rerun retries it)',
      );
  };
  await runBounded(
    [...jobs.values()],
    limits.concurrency,
    limits.deadline,
    async (job) => record(job, await deliver(job.alert, job.channel, DEFAULT_RETRY, undefined, limits.deadline)),
    (job) => record(job, { status: 'pending', attempts: 0, error: "the run's delivery time budget ran out" }),
  );
  return counts;
}
