import { inferAnomalyType } from './anomalyType';
import type { AnomalyRow } from './db/anomalies';
import type { SessionFinding } from './detectors/sessions/types';
import type { Contribution } from './detectors/types';

/**
 * The anomalies table's rows for windows and sessions a model flagged, before sample lines are
 * known: `interesting` names the templates whose lines the sample should prefer.
 */
export type PendingAnomaly = AnomalyRow & { interesting: Set<string> };

/** Which model scored which date. */
export interface RowOrigin {
  date: string;
  model_name: string;
  model_version: number;
}

/** The window or session a row covers, with its score. */
export type RowPlace = Pick<AnomalyRow, 'entity_key' | 'service' | 'window_start' | 'window_end' | 'score' | 'severity'>;

/** A flagged window: typed by what deviated most; its template contributions pick the sample lines. */
export function windowAnomaly(origin: RowOrigin, place: RowPlace, detectors: string[], contributions: Contribution[]): PendingAnomaly {
  const interesting = new Set(contributions.filter((c) => c.feature.startsWith('template:')).map((c) => c.feature.slice('template:'.length)));
  return {
    date: origin.date,
    entity_kind: 'window',
    ...place,
    detectors,
    anomaly_type: inferAnomalyType(contributions, detectors),
    explanation: { detectors, contributions },
    model_name: origin.model_name,
    model_version: origin.model_version,
    interesting,
  };
}

/** A flagged session: an unusual sequence, with the findings and the first 30 events of the session. */
export function sessionAnomaly(
  origin: RowOrigin,
  place: RowPlace,
  detectors: string[],
  findings: SessionFinding[],
  sequence: readonly string[],
): PendingAnomaly {
  return {
    date: origin.date,
    entity_kind: 'session',
    ...place,
    detectors,
    anomaly_type: 'unusual_sequence',
    explanation: { detectors, findings, sequence: sequence.slice(0, 30) },
    model_name: origin.model_name,
    model_version: origin.model_version,
    interesting: new Set(findings.flatMap((f) => f.events)),
  };
}
