import type { AnomalyRow } from '../../shared/db/anomalies';

/** A flagged 1-minute window of `service` at hh:mm of `date`, as `score` writes it. */
export function windowAnomaly(date: string, service: string, type = 'error_burst', hh = 10, mm = 0, severity = 80): AnomalyRow {
  const start = Date.parse(`${date}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`);
  return {
    date,
    entity_kind: 'window',
    entity_key: `${service}@${start}`,
    service,
    window_start: start,
    window_end: start + 60_000,
    score: 0.99,
    severity,
    detectors: ['robust_baseline'],
    anomaly_type: type,
    explanation: { summary: `${type} on ${service}` },
    model_name: 'windows',
    model_version: 1,
  };
}
