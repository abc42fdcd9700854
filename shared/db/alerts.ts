import type pg from 'pg';
import { BadInputError } from '../errors';
import type { Incident } from '../incidents';

/** The alerts table and its lifecycle: open → acknowledged → resolved. */
export interface AlertRow {
  id: number;
  dedup_key: string;
  service: string;
  anomaly_type: string;
  first_seen: string;
  last_seen: string;
  severity: number;
  anomaly_count: number;
  summary: string;
  details: { reasons?: string[] };
  status: 'open' | 'acknowledged' | 'resolved';
  opened_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  resolved_reason: string | null;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const fix = (r: Record<string, unknown>): AlertRow =>
  ({
    ...r,
    id: Number(r.id),
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
    opened_at: iso(r.opened_at),
    acknowledged_at: iso(r.acknowledged_at),
    resolved_at: iso(r.resolved_at),
  }) as AlertRow;

/**
 * Alerts of any status that were still active after `since`: what a new incident may continue.
 * Resolved ones count too, so a rerun of a day whose alerts auto-resolved finds them again
 * instead of opening duplicates.
 */
export async function recentAlerts(db: pg.ClientBase | pg.Pool, since: Date): Promise<AlertRow[]> {
  return (await db.query(`SELECT * FROM alerts WHERE last_seen >= $1 ORDER BY id`, [since])).rows.map(fix);
}

export async function listAlerts(db: pg.ClientBase | pg.Pool, status?: string): Promise<AlertRow[]> {
  const res = status ? await db.query('SELECT * FROM alerts WHERE status = $1 ORDER BY id', [status]) : await db.query('SELECT * FROM alerts ORDER BY id');
  return res.rows.map(fix);
}

/** The alerts with these ids. */
export async function alertsByIds(db: pg.ClientBase | pg.Pool, ids: readonly number[]): Promise<AlertRow[]> {
  return (await db.query('SELECT * FROM alerts WHERE id = ANY($1)', [ids])).rows.map(fix);
}

export type OpenAlertSummary = Pick<AlertRow, 'id' | 'service' | 'anomaly_type' | 'severity' | 'status' | 'first_seen' | 'last_seen' | 'summary'>;

/** Alerts not resolved yet, most severe first (the HTML report's table). */
export async function listOpenAlerts(db: pg.ClientBase | pg.Pool, limit = 100): Promise<OpenAlertSummary[]> {
  const res = await db.query(
    `SELECT id, service, anomaly_type, severity, status, first_seen, last_seen, summary FROM alerts WHERE status <> 'resolved' ORDER BY severity DESC, first_seen LIMIT $1`,
    [limit],
  );
  return res.rows.map((r) => ({ ...r, id: Number(r.id), first_seen: new Date(r.first_seen).toISOString(), last_seen: new Date(r.last_seen).toISOString() }));
}

/** What an alert is written from: an incident (its anomaly count comes from the anomalies table, see refreshAnomalyCounts). */
export type AlertUpsert = Omit<Incident, 'anomalyCount'>;

/** Inserts a new alert, or (rerun) updates the one with the same key and start. */
export async function insertAlert(db: pg.ClientBase, a: AlertUpsert, openedAt: Date): Promise<AlertRow> {
  const res = await db.query(
    `INSERT INTO alerts (dedup_key, service, anomaly_type, first_seen, last_seen, severity, anomaly_count, summary, details, status, opened_at)
     VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, 'open', $9)
     ON CONFLICT (dedup_key, first_seen) DO UPDATE SET last_seen = GREATEST(alerts.last_seen, EXCLUDED.last_seen),
       severity = GREATEST(alerts.severity, EXCLUDED.severity), summary = EXCLUDED.summary, details = EXCLUDED.details
     RETURNING *`,
    [
      a.dedupKey,
      a.service,
      a.anomalyType,
      new Date(a.firstSeen),
      new Date(a.lastSeen),
      a.severity,
      a.summary,
      JSON.stringify({ reasons: a.reasons }),
      openedAt,
    ],
  );
  return fix(res.rows[0]);
}

/** An incident continues an open alert: extend it (never shrink it, so reruns change nothing). */
export async function extendAlert(db: pg.ClientBase, id: number, a: AlertUpsert): Promise<AlertRow> {
  const res = await db.query(
    // An incident that goes on past a resolved alert reopens it (the same problem came back within the cooldown).
    `UPDATE alerts SET first_seen = LEAST(first_seen, $2), last_seen = GREATEST(last_seen, $3), severity = GREATEST(severity, $4),
       summary = CASE WHEN $3 > last_seen THEN $5 ELSE summary END,
       status = CASE WHEN $3 > last_seen AND status = 'resolved' THEN 'open' ELSE status END,
       resolved_at = CASE WHEN $3 > last_seen AND status = 'resolved' THEN NULL ELSE resolved_at END
     WHERE id = $1 RETURNING *`,
    [id, new Date(a.firstSeen), new Date(a.lastSeen), a.severity, a.summary],
  );
  return fix(res.rows[0]);
}

/** anomaly_count is derived from the anomalies table, so reruns can't inflate it. */
export async function refreshAnomalyCounts(db: pg.ClientBase, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  await db.query(
    `UPDATE alerts SET anomaly_count = (SELECT count(*) FROM anomalies a WHERE a.service = alerts.service
        AND COALESCE(a.anomaly_type, 'other') = alerts.anomaly_type AND a.window_start >= alerts.first_seen AND a.window_start < alerts.last_seen)
      WHERE id = ANY($1)`,
    [ids],
  );
}

/** Resolves open alerts quiet since before `quietBefore` (logical time, so backfills agree). */
export async function autoResolve(db: pg.ClientBase, quietBefore: Date, at: Date, quietMinutes: number): Promise<number[]> {
  const res = await db.query(
    `UPDATE alerts SET status = 'resolved', resolved_at = $2, resolved_reason = $3 WHERE status <> 'resolved' AND last_seen < $1 RETURNING id`,
    [quietBefore, at, `auto: quiet for ${quietMinutes} minutes`],
  );
  return res.rows.map((r) => Number(r.id));
}

export async function setAlertStatus(db: pg.ClientBase | pg.Pool, id: number, status: 'acknowledged' | 'resolved', reason?: string): Promise<AlertRow> {
  const current = (await db.query('SELECT * FROM alerts WHERE id = $1', [id])).rows[0];
  if (!current) throw new BadInputError(`no alert with id ${id}; see \`sentinel alerts list\``);
  if (current.status === 'resolved') throw new BadInputError(`alert ${id} is already resolved`);
  const res =
    status === 'acknowledged'
      ? await db.query(`UPDATE alerts SET status = 'acknowledged', acknowledged_at = now() WHERE id = $1 RETURNING *`, [id])
      : await db.query(`UPDATE alerts SET status = 'resolved', resolved_at = now(), resolved_reason = $2 WHERE id = $1 RETURNING *`, [
          id,
          reason ?? 'resolved by hand',
        ]);
  return fix(res.rows[0]);
}

export async function wasDelivered(db: pg.ClientBase | pg.Pool, alertId: number, channel: string, revision: string): Promise<boolean> {
  const res = await db.query(`SELECT 1 FROM alert_deliveries WHERE alert_id = $1 AND channel = $2 AND revision = $3 AND status = 'delivered'`, [
    alertId,
    channel,
    revision,
  ]);
  return res.rowCount! > 0;
}

export async function recordDelivery(
  db: pg.ClientBase | pg.Pool,
  d: { alertId: number; channel: string; revision: string; status: 'delivered' | 'failed' | 'pending'; attempts: number; error?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO alert_deliveries (alert_id, channel, revision, status, attempts, last_error, delivered_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'delivered' THEN now() END)
     ON CONFLICT (alert_id, channel, revision) DO UPDATE SET status = EXCLUDED.status,
       attempts = alert_deliveries.attempts + EXCLUDED.attempts, last_error = EXCLUDED.last_error, delivered_at = EXCLUDED.delivered_at`,
    [d.alertId, d.channel, d.revision, d.status, d.attempts, d.error ?? null],
  );
}

/** Deliveries left pending by an earlier run whose time budget ran out: the next run sends them first. */
export async function pendingDeliveries(db: pg.ClientBase | pg.Pool): Promise<{ alertId: number; channel: string; revision: string }[]> {
  const res = await db.query(`SELECT alert_id, channel, revision FROM alert_deliveries WHERE status = 'pending' ORDER BY alert_id, channel`);
  return res.rows.map((r) => ({ alertId: Number(r.alert_id), channel: r.channel, revision: new Date(r.revision).toISOString() }));
}

/** A pending delivery of an alert that has grown since: the newer revision is sent instead. */
export async function supersedeDelivery(db: pg.ClientBase | pg.Pool, d: { alertId: number; channel: string; revision: string }): Promise<void> {
  await db.query(
    `UPDATE alert_deliveries SET status = 'skipped', last_error = 'superseded by a newer revision' WHERE alert_id = $1 AND channel = $2 AND revision = $3 AND status = 'pending'`,
    [d.alertId, d.channel, d.revision],
  );
}

/**
 * Queues deliveries (status pending) that are not recorded yet: written in the transaction that
 * raised the alerts, so a crash before the webhook call leaves them for the next delivery run
 * instead of losing them (an outbox). A revision already delivered is left alone.
 */
export async function queueDeliveries(db: pg.ClientBase | pg.Pool, rows: readonly { alertId: number; channel: string; revision: string }[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `INSERT INTO alert_deliveries (alert_id, channel, revision, status, attempts)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS q(alert_id, channel, revision), (VALUES ('pending', 0)) AS v(status, attempts)
     ON CONFLICT (alert_id, channel, revision) DO NOTHING`,
    [rows.map((r) => r.alertId), rows.map((r) => r.channel), rows.map((r) => r.revision)],
  );
}
