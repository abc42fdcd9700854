import type { AnomalyRow } from '../../shared/db/anomalies';
import type { BatchOutcome, IncomingRecord } from './processor';

/**
 * End-to-end latency of window anomalies: from the producer timestamp of the first record whose
 * event time moved the watermark far enough to decide the window (past the end of the window after
 * it, which the persistence filter needs), to now, when its row is committed. Windows decided
 * without such a record in this batch (a model promoted later) are not measured.
 */
export function decisionLatencies(
  anomalies: readonly AnomalyRow[],
  records: readonly IncomingRecord[],
  outcome: BatchOutcome,
  windowMs: number,
  latenessMs: number,
  now: number,
): number[] {
  if (!anomalies.length) return [];
  const byPoint = new Map<number, number | undefined>();
  const out: number[] = [];
  for (const a of anomalies) {
    const point = a.window_end + windowMs + latenessMs;
    if (!byPoint.has(point)) byPoint.set(point, producedAtOfFirst(records, outcome.eventTimes, point));
    const producedAt = byPoint.get(point);
    if (producedAt !== undefined) out.push((now - producedAt) / 1000);
  }
  return out;
}

/** The producer time of the first record in the batch at or past this event time. */
function producedAtOfFirst(records: readonly IncomingRecord[], eventTimes: Float64Array, eventTime: number): number | undefined {
  for (let i = 0; i < records.length; i++) if (eventTimes[i] >= eventTime) return records[i].producedAt;
  return undefined;
}
