import { prf, type Prf } from './metrics';

/**
 * Evaluation against labels given per log line (BGL's first token: `-` normal, anything else an
 * alert category). The detectors judge service time windows; a line counts as flagged when the
 * window of its service that contains it was flagged. Lines are then grouped into evaluation windows
 * of N consecutive lines or T seconds — the loglizer convention — and a window is anomalous when any
 * of its lines is, for the truth and the verdict alike.
 */
export interface LabeledLine {
  ts: number;
  service: string;
  /** Ground truth of the line. */
  anomalous: boolean;
}

export interface FlaggedWindow {
  service: string;
  start: number;
  end: number;
}

export type EvaluationWindows = { lines: number } | { seconds: number };

export interface LineEvaluation extends Prf {
  windowing: string;
  windows: number;
  anomalousWindows: number;
  lines: number;
  anomalousLines: number;
  flaggedLines: number;
}

/** Per line: is it inside a flagged window of its own service? Lines must be sorted by time. */
export function flagLines(lines: readonly LabeledLine[], flagged: readonly FlaggedWindow[]): boolean[] {
  const byService = new Map<string, FlaggedWindow[]>();
  for (const w of flagged) {
    const list = byService.get(w.service);
    if (list) list.push(w);
    else byService.set(w.service, [w]);
  }
  for (const list of byService.values()) list.sort((a, b) => a.start - b.start);
  const cursor = new Map<string, number>();
  return lines.map((line) => {
    const list = byService.get(line.service);
    if (!list) return false;
    let i = cursor.get(line.service) ?? 0;
    while (i < list.length && list[i].end <= line.ts) i++;
    cursor.set(line.service, i);
    return i < list.length && list[i].start <= line.ts;
  });
}

/** Groups lines (sorted by time) into evaluation windows and scores the verdicts against the truth. */
export function evaluateLineWindows(lines: readonly LabeledLine[], flaggedLines: readonly boolean[], windowing: EvaluationWindows): LineEvaluation {
  const keyOf = 'lines' in windowing ? (i: number) => Math.floor(i / windowing.lines) : (i: number) => Math.floor(lines[i].ts / (windowing.seconds * 1000));
  const truth = new Map<number, boolean>();
  const verdict = new Map<number, boolean>();
  for (let i = 0; i < lines.length; i++) {
    const k = keyOf(i);
    truth.set(k, (truth.get(k) ?? false) || lines[i].anomalous);
    verdict.set(k, (verdict.get(k) ?? false) || flaggedLines[i]);
  }
  const keys = [...truth.keys()];
  const scores = prf(
    keys.map((k) => verdict.get(k)!),
    keys.map((k) => truth.get(k)!),
  );
  return {
    windowing: 'lines' in windowing ? `${windowing.lines} lines` : `${windowing.seconds} s`,
    windows: keys.length,
    anomalousWindows: keys.filter((k) => truth.get(k)).length,
    lines: lines.length,
    anomalousLines: lines.filter((l) => l.anomalous).length,
    flaggedLines: flaggedLines.filter(Boolean).length,
    ...scores,
  };
}
