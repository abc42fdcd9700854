import type { AnomalyLabel } from './schemas';

/**
 * Precision, recall and F1 of detected anomalies against labeled incidents.
 *
 * Labels are incidents (an interval on one service, or a set of sessions), detections are flagged
 * windows or sessions. As in event-based time-series evaluation:
 * - recall: an incident is found when at least one detection overlaps it;
 * - precision: a detection is correct when it overlaps an incident (windows may trail the end by
 *   `toleranceMs`, because rolling features keep an incident visible a little after it ends).
 * Per type: recall per incident type; precision over detections whose inferred type is that type
 * (a detection of the right incident with another inferred type still counts as correct overall).
 */
export interface Detection {
  entity_kind: 'window' | 'session' | 'template';
  entity_key: string;
  service: string;
  window_start: number;
  window_end: number;
  anomaly_type: string | null;
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  incidents: number;
  found: number;
}

export interface Evaluation extends Scores {
  byType: Record<string, Scores>;
  missed: { id: string; type: string; service: string; start: string }[];
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

function matches(d: Detection, l: AnomalyLabel, toleranceMs: number): boolean {
  if (l.session_ids?.length) {
    if (d.entity_kind === 'session') return l.session_ids.includes(d.entity_key);
  }
  if (d.entity_kind === 'session' && l.session_ids === undefined) return false;
  const start = Date.parse(l.start);
  const end = Date.parse(l.end);
  return d.service === l.service && d.window_start < end + toleranceMs && d.window_end > start;
}

export function evaluateDetections(detections: readonly Detection[], labels: readonly AnomalyLabel[], toleranceMs = 60_000): Evaluation {
  const found = new Set<string>();
  const correct = detections.map((d) => {
    let hit = false;
    for (const l of labels) {
      if (matches(d, l, toleranceMs)) {
        found.add(l.id);
        hit = true;
      }
    }
    return hit;
  });
  const summarize = (labelSet: readonly AnomalyLabel[], detIdx: number[]): Scores => {
    const tp = detIdx.filter((i) => correct[i]).length;
    const fp = detIdx.length - tp;
    const foundHere = labelSet.filter((l) => found.has(l.id)).length;
    const precision = ratio(tp, detIdx.length);
    const recall = ratio(foundHere, labelSet.length);
    return { precision, recall, f1: f1(precision, recall), truePositives: tp, falsePositives: fp, incidents: labelSet.length, found: foundHere };
  };
  const all = summarize(
    labels,
    detections.map((_, i) => i),
  );
  const byType: Record<string, Scores> = {};
  for (const type of [...new Set(labels.map((l) => l.type))].sort()) {
    const typeLabels = labels.filter((l) => l.type === type);
    // Detections credited to this type: those matching one of its incidents, plus false alarms inferred as it.
    const idx = detections
      .map((d, i) => ({ d, i }))
      .filter(({ d, i }) => (correct[i] ? typeLabels.some((l) => matches(d, l, toleranceMs)) : d.anomaly_type === type))
      .map(({ i }) => i);
    byType[type] = summarize(typeLabels, idx);
  }
  const missed = labels.filter((l) => !found.has(l.id)).map((l) => ({ id: l.id, type: l.type, service: l.service, start: l.start }));
  return { ...all, byType, missed };
}

/**
 * Per-session precision, recall and F1 (loglizer's HDFS protocol: one verdict per block): every
 * labeled session that was scored counts once; scored sessions without a label are ignored.
 */
export function evaluateSessions(
  scored: readonly { key: string; anomalous: boolean }[],
  labels: ReadonlyMap<string, boolean>,
): Scores & { sessions: number; unlabeled: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let n = 0;
  let unlabeled = 0;
  for (const s of scored) {
    const truth = labels.get(s.key);
    if (truth === undefined) {
      unlabeled++;
      continue;
    }
    n++;
    if (s.anomalous && truth) tp++;
    else if (s.anomalous) fp++;
    else if (truth) fn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: f1(precision, recall), truePositives: tp, falsePositives: fp, incidents: tp + fn, found: tp, sessions: n, unlabeled };
}

/** `BlockId,Label` CSV (loghub's anomaly_label.csv: Normal/Anomaly; 0/1 and true/false also accepted). */
export function parseSessionLabels(text: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [id, label] = line.split(',').map((s) => s.trim());
    if (!id) continue;
    out.set(id, /^(anomaly|abnormal|1|true)$/i.test(label ?? ''));
  }
  return out;
}
