import type { AnomalyLabel } from './schemas';
import type { Detection, Scores } from './eventEvaluation';

/**
 * Precision and recall in one unit at a time, so the two halves of an F1 never count different
 * things (event-based evaluation counts precision per window and recall per incident):
 * - per incident: detections of one service that touch or overlap (within `toleranceMs`) form one
 *   detected incident, each session its own; precision = detected incidents that overlap a labeled
 *   incident, recall = labeled incidents found;
 * - per window: precision = detected windows and sessions inside a labeled incident (with the same
 *   tolerance), recall = labeled windows (every `windowMs` bucket of a labeled interval, and each
 *   labeled session) that were detected.
 */
export interface UnitEvaluation {
  perIncident: Scores;
  perWindow: Scores;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const scores = (tp: number, detected: number, found: number, labeled: number): Scores => {
  const precision = ratio(tp, detected);
  const recall = ratio(found, labeled);
  return { precision, recall, f1: f1(precision, recall), truePositives: tp, falsePositives: detected - tp, incidents: labeled, found };
};

function overlaps(d: Detection, l: AnomalyLabel, toleranceMs: number): boolean {
  if (l.session_ids?.length) return d.entity_kind === 'session' && l.session_ids.includes(d.entity_key);
  return d.entity_kind === 'window' && d.service === l.service && d.window_start < Date.parse(l.end) + toleranceMs && d.window_end > Date.parse(l.start);
}

/** Groups window detections per service into runs whose gaps are at most the tolerance; each session is its own group. */
function detectedIncidents(detections: readonly Detection[], toleranceMs: number): Detection[][] {
  const groups: Detection[][] = [];
  const byService = new Map<string, Detection[]>();
  for (const d of detections) {
    if (d.entity_kind === 'session') groups.push([d]);
    else (byService.get(d.service) ?? byService.set(d.service, []).get(d.service)!).push(d);
  }
  for (const windows of byService.values()) {
    windows.sort((a, b) => a.window_start - b.window_start);
    let run: Detection[] = [];
    for (const w of windows) {
      if (run.length && w.window_start > run[run.length - 1].window_end + toleranceMs) {
        groups.push(run);
        run = [];
      }
      run.push(w);
    }
    if (run.length) groups.push(run);
  }
  return groups;
}

export function evaluateByUnit(detections: readonly Detection[], labels: readonly AnomalyLabel[], windowMs = 60_000, toleranceMs = 60_000): UnitEvaluation {
  const hit = detections.map((d) => labels.some((l) => overlaps(d, l, toleranceMs)));
  const found = labels.filter((l) => detections.some((d) => overlaps(d, l, toleranceMs))).length;
  const groups = detectedIncidents(detections, toleranceMs);
  const correctGroups = groups.filter((g) => g.some((d) => labels.some((l) => overlaps(d, l, toleranceMs)))).length;
  const perIncident = scores(correctGroups, groups.length, found, labels.length);

  const detectedKeys = new Set(detections.map((d) => (d.entity_kind === 'session' ? `s:${d.entity_key}` : `w:${d.service}@${d.window_start}`)));
  let labeledUnits = 0;
  let foundUnits = 0;
  for (const l of labels) {
    if (l.session_ids?.length) {
      for (const id of l.session_ids) {
        labeledUnits++;
        if (detectedKeys.has(`s:${id}`)) foundUnits++;
      }
      continue;
    }
    for (let t = Math.floor(Date.parse(l.start) / windowMs) * windowMs; t < Date.parse(l.end); t += windowMs) {
      labeledUnits++;
      if (detectedKeys.has(`w:${l.service}@${t}`)) foundUnits++;
    }
  }
  const perWindow = scores(hit.filter(Boolean).length, detections.length, foundUnits, labeledUnits);
  return { perIncident, perWindow };
}
