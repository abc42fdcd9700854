import type pg from 'pg';
import { extendAlert, insertAlert, recentAlerts, refreshAnomalyCounts, type AlertRow } from '../db/alerts';
import { groupIncidents, matchOpenAlert, type AnomalyForAlert } from '../incidents';

/**
 * Anomalies → incidents → alerts, deduplicated against the alerts still active within the cooldown:
 * the one alert path of the daily `alert` step and of `stream`. Times come from the anomalies, never
 * the wall clock, so a rerun, a backfill or a re-delivered Kafka batch decides the same way and
 * extends the same alert instead of opening another. Runs inside the caller's transaction.
 */
export interface AlertPolicy {
  /** Anomalies of a service and type at most this far apart are one incident. */
  groupGapMs: number;
  /** An incident within this time of an alert's last sighting continues that alert. */
  cooldownMs: number;
}

export interface RaisedAlert {
  row: AlertRow;
  /** A new alert (no alert with its key was active within the cooldown). */
  opened: boolean;
  /** An existing alert that got more severe or came back after it was resolved. */
  escalated: boolean;
}

export async function raiseAlerts(client: pg.ClientBase, anomalies: readonly AnomalyForAlert[], policy: AlertPolicy): Promise<RaisedAlert[]> {
  const incidents = groupIncidents(anomalies, policy.groupGapMs);
  if (!incidents.length) return [];
  // An incident can only continue an alert seen within the cooldown before the earliest incident.
  const since = new Date(Math.min(...incidents.map((i) => i.firstSeen)) - policy.cooldownMs);
  const active = await recentAlerts(client, since);
  const before = new Map(active.map((a) => [a.id, a]));
  const open = active.map((a) => ({ id: a.id, dedupKey: a.dedup_key, firstSeen: Date.parse(a.first_seen), lastSeen: Date.parse(a.last_seen) }));
  const raised = new Map<number, RaisedAlert>();
  for (const incident of incidents) {
    const match = matchOpenAlert(incident, open, policy.cooldownMs);
    const row = match ? await extendAlert(client, match.id, incident) : await insertAlert(client, incident, new Date(incident.firstSeen));
    if (!match) open.push({ id: row.id, dedupKey: row.dedup_key, firstSeen: Date.parse(row.first_seen), lastSeen: Date.parse(row.last_seen) });
    else match.lastSeen = Math.max(match.lastSeen, incident.lastSeen);
    const was = before.get(row.id);
    const prior = raised.get(row.id);
    raised.set(row.id, {
      row,
      opened: prior?.opened ?? !was,
      escalated:
        (prior?.escalated ?? false) || (was !== undefined && (row.severity > was.severity || (was.status === 'resolved' && row.status !== 'resolved'))),
    });
  }
  await refreshAnomalyCounts(client, [...raised.keys()]);
  return [...raised.values()];
}
