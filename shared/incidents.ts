/**
 * Anomalies → incidents: neighbouring anomalous windows of the same service and type become one
 * incident (a 12-minute latency degradation is one page, not twelve). Pure.
 */
export interface AnomalyForAlert {
  service: string;
  anomaly_type: string | null;
  window_start: number;
  window_end: number;
  severity: number;
  score: number;
  entity_kind: string;
  entity_key: string;
  reason: string;
}

export interface Incident {
  dedupKey: string;
  service: string;
  anomalyType: string;
  firstSeen: number;
  lastSeen: number;
  severity: number;
  anomalyCount: number;
  summary: string;
  reasons: string[];
}

export function dedupKeyOf(service: string, anomalyType: string): string {
  return `${service}|${anomalyType}`;
}

/** Groups when the next anomaly starts at most `gapMs` after the previous one ended. */
export function groupIncidents(anomalies: readonly AnomalyForAlert[], gapMs: number): Incident[] {
  const sorted = [...anomalies].sort(
    (a, b) => a.service.localeCompare(b.service) || (a.anomaly_type ?? '').localeCompare(b.anomaly_type ?? '') || a.window_start - b.window_start,
  );
  const out: Incident[] = [];
  let current: Incident | undefined;
  for (const a of sorted) {
    const type = a.anomaly_type ?? 'other';
    if (current && current.service === a.service && current.anomalyType === type && a.window_start <= current.lastSeen + gapMs) {
      current.lastSeen = Math.max(current.lastSeen, a.window_end);
      current.severity = Math.max(current.severity, a.severity);
      current.anomalyCount++;
      if (current.reasons.length < 3 && a.reason && !current.reasons.includes(a.reason)) current.reasons.push(a.reason);
      continue;
    }
    current = {
      dedupKey: dedupKeyOf(a.service, type),
      service: a.service,
      anomalyType: type,
      firstSeen: a.window_start,
      lastSeen: a.window_end,
      severity: a.severity,
      anomalyCount: 1,
      summary: '',
      reasons: a.reason ? [a.reason] : [],
    };
    out.push(current);
  }
  for (const i of out)
    i.summary = `${i.anomalyType.replace(/_/g, ' ')} on ${i.service}: ${i.anomalyCount} anomalous ${i.anomalyCount === 1 ? 'window' : 'windows'} from ${new Date(i.firstSeen).toISOString()} to ${new Date(i.lastSeen).toISOString()} (max severity ${i.severity})`;
  return out;
}

export interface OpenAlertRef {
  id: number;
  dedupKey: string;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Dedup: an incident continues an open alert with the same key when it starts within `cooldownMs`
 * of that alert's last sighting; otherwise it opens a new alert.
 */
export function matchOpenAlert(incident: Incident, open: readonly OpenAlertRef[], cooldownMs: number): OpenAlertRef | undefined {
  return open
    .filter((o) => o.dedupKey === incident.dedupKey && incident.firstSeen <= o.lastSeen + cooldownMs && incident.lastSeen >= o.firstSeen - cooldownMs)
    .sort((a, b) => b.lastSeen - a.lastSeen)[0];
}
