/**
 * Whether a log can tell the order of the events in its sessions. Order detectors
 * (`sequence_transitions`, `order_invariants`) judge which event came first; that is only
 * evidence when the timestamps say so. Where many lines of a session share a timestamp (HDFS logs
 * to the second, and three datanodes write one block's lines in the same second: 63 % of
 * consecutive events tie), the order in the file is an accident of interleaving, and an order
 * detector trained on it flags normal sessions. Measured on the training sessions, without labels:
 * when more than 2 % (1 − ROUTINE_SHARE) of consecutive events tie, the order is unresolved and the
 * order detectors stand down, saying why in the training summary.
 */
import { ROUTINE_SHARE } from './routine';
import type { SessionTimes } from './types';

export interface EventOrderEvidence {
  /** Share of consecutive event pairs, over all training sessions with times, that share a timestamp; null without times. */
  tieShare: number | null;
  /** False when ties are too common for the order to mean anything. */
  resolved: boolean;
}

export function eventOrderEvidence(times: SessionTimes | undefined): EventOrderEvidence {
  let pairs = 0;
  let ties = 0;
  for (const t of times ?? []) {
    if (!t) continue;
    for (let i = 1; i < t.length; i++) {
      pairs++;
      if (t[i] === t[i - 1]) ties++;
    }
  }
  // Without times (sessions written before `features` kept them) the file order is all there is.
  if (pairs === 0) return { tieShare: null, resolved: true };
  const tieShare = ties / pairs;
  return { tieShare, resolved: tieShare <= 1 - ROUTINE_SHARE };
}

/** The training-summary note of an order detector that stood down; undefined when it did not. */
export function unresolvedOrderNote(evidence: EventOrderEvidence): string | undefined {
  if (evidence.resolved) return undefined;
  return `off: ${(100 * evidence.tieShare!).toFixed(1)} % of consecutive events in a session share a timestamp (limit ${(100 * (1 - ROUTINE_SHARE)).toFixed(0)} %), so the log cannot order them`;
}
