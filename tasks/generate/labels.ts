import type { AnomalyLabel } from '../../shared/schemas';

/**
 * Questions asked of the ground truth: does this service window overlap an anomaly, is this
 * session one of the abnormal ones. Works on any labels of the shared schema (the generator's
 * or ones read back from labels.json). Intervals are [start, end).
 */
export interface LabelIndex {
  /** Labels of `service` whose interval overlaps [windowStart, windowEnd) (epoch ms). */
  overlapping(service: string, windowStart: number, windowEnd: number): AnomalyLabel[];
  isAnomalousWindow(service: string, windowStart: number, windowEnd: number): boolean;
  isAnomalousSession(sessionId: string): boolean;
  /** All session ids of unusual_sequence labels. */
  readonly anomalousSessions: ReadonlySet<string>;
}

interface Interval {
  start: number;
  end: number;
  label: AnomalyLabel;
}

export function labelIndex(labels: readonly AnomalyLabel[]): LabelIndex {
  const byService = new Map<string, Interval[]>();
  const sessions = new Set<string>();
  for (const label of labels) {
    const list = byService.get(label.service) ?? [];
    list.push({ start: Date.parse(label.start), end: Date.parse(label.end), label });
    byService.set(label.service, list);
    for (const id of label.session_ids ?? []) sessions.add(id);
  }
  const overlapping = (service: string, windowStart: number, windowEnd: number) =>
    (byService.get(service) ?? []).filter((i) => i.start < windowEnd && i.end > windowStart).map((i) => i.label);
  return {
    overlapping,
    isAnomalousWindow: (service, windowStart, windowEnd) => overlapping(service, windowStart, windowEnd).length > 0,
    isAnomalousSession: (sessionId) => sessions.has(sessionId),
    anomalousSessions: sessions,
  };
}

/** One-off form of labelIndex(labels).isAnomalousWindow. */
export function windowOverlapsAnomaly(labels: readonly AnomalyLabel[], service: string, windowStart: number, windowEnd: number): boolean {
  return labels.some((l) => l.service === service && Date.parse(l.start) < windowEnd && Date.parse(l.end) > windowStart);
}

/** Session ids of all unusual_sequence labels. */
export function anomalousSessionIds(labels: readonly AnomalyLabel[]): Set<string> {
  return new Set(labels.flatMap((l) => l.session_ids ?? []));
}
