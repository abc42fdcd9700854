import type pg from 'pg';
import type { AnomalyRow } from '../../shared/db/anomalies';
import { queueDeliveries } from '../../shared/db/alerts';
import { reasonOf } from '../../shared/anomalyReasons';
import { raiseAlerts, type AlertPolicy } from '../../shared/alerting/raise';
import { deliverAlerts, type DeliveryCounts } from '../../shared/alerting/dispatch';
import type { Channel } from '../../shared/alerting/deliver';
import type { Logger } from '../../shared/logger';

/** One pump run's delivery deadline: short, so SIGTERM is not held up; what is left stays pending. */
const PUMP_BUDGET_MS = 10_000;

/**
 * The stream's alerts, through the `alert` step's path (`shared/alerting`): a micro-batch's anomaly
 * rows are grouped into incidents and deduplicated against the alerts active within the cooldown,
 * in the transaction that writes the rows, so a re-delivered batch extends the same alerts. An alert
 * that opens, reopens or gets more severe has its deliveries queued (pending) in that transaction,
 * and a background pump sends them: a slow webhook never holds back the consumer, and a crash
 * leaves them pending for the next pump (or the daily `alert`). An alert that only grows longer is
 * not paged again; the daily `alert` run sends its final revision.
 */
export class StreamAlerter {
  private running: Promise<void> | undefined;
  private again = false;
  readonly totals: DeliveryCounts & { raised: number; queued: number } = { raised: 0, queued: 0, delivered: 0, failed: 0, skipped: 0, pending: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly channels: readonly Channel[],
    private readonly policy: AlertPolicy,
    private readonly concurrency: number,
    private readonly log: Logger,
  ) {}

  /** In the anomalies' transaction: alerts raised or extended by these rows, deliveries queued. */
  async raise(client: pg.ClientBase, rows: readonly AnomalyRow[]): Promise<number> {
    if (!rows.length) return 0;
    const raised = await raiseAlerts(
      client,
      rows.map((r) => ({ ...r, reason: reasonOf(r.explanation) })),
      this.policy,
    );
    const queue = raised
      .filter((a) => a.opened || a.escalated)
      .flatMap((a) =>
        this.channels
          .filter((c) => a.row.severity >= c.minSeverity)
          .map((c) => ({ alertId: a.row.id, channel: c.name, revision: new Date(a.row.last_seen).toISOString() })),
      );
    await queueDeliveries(client, queue);
    this.totals.raised += raised.filter((a) => a.opened).length;
    this.totals.queued += queue.length;
    return queue.length;
  }

  /** Sends what is pending, in the background (one pump at a time; a kick during a pump runs it again after). */
  kick(): void {
    if (!this.channels.length) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const counts = await deliverAlerts(this.pool, [], this.channels, { deadline: Date.now() + PUMP_BUDGET_MS, concurrency: this.concurrency }, this.log);
          for (const k of ['delivered', 'failed', 'skipped', 'pending'] as const) this.totals[k] += counts[k];
        } catch (err) {
          // The deliveries stay pending in the database: the next kick (or the daily alert run) retries them.
          this.log.warn({ err }, 'alert delivery pump failed; deliveries stay pending');
        }
      } while (this.again);
      this.running = undefined;
    })();
  }

  /** Waits for the pump in flight (on shutdown). */
  async drain(): Promise<void> {
    await this.running;
  }
}
