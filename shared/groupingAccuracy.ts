/**
 * Grouping accuracy (GA) of a log parser, as in the logparser benchmark (Zhu et al., ICSE-SEIP 2019):
 * a line is parsed correctly iff the set of lines sharing its predicted template equals the set of
 * lines sharing its true template. GA = correctly parsed lines / all lines. Template names do not
 * matter, only the partition they induce.
 */

export interface GroupingAccuracy {
  /** Correct lines / all lines (1 for no lines). */
  accuracy: number;
  correctLines: number;
  totalLines: number;
  predictedGroups: number;
  trueGroups: number;
  /** Predicted groups that equal a true group exactly. */
  correctGroups: number;
}

/** `predicted[i]` and `truth[i]` are the template ids of line i. */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): GroupingAccuracy {
  if (predicted.length !== truth.length) {
    throw new Error(`grouping accuracy needs one prediction per line (${predicted.length} predictions, ${truth.length} truths)`);
  }
  const trueSizes = countBy(truth);
  // For each predicted group: its size and the true ids inside it (one distinct id needed).
  const groups = new Map<string, { size: number; trueId: string; mixed: boolean }>();
  for (let i = 0; i < predicted.length; i++) {
    const g = groups.get(predicted[i]);
    if (!g) groups.set(predicted[i], { size: 1, trueId: truth[i], mixed: false });
    else {
      g.size++;
      if (g.trueId !== truth[i]) g.mixed = true;
    }
  }
  let correctLines = 0;
  let correctGroups = 0;
  for (const g of groups.values()) {
    // One true id inside, and that id has no lines outside the group: the two sets are equal.
    if (!g.mixed && trueSizes.get(g.trueId) === g.size) {
      correctLines += g.size;
      correctGroups++;
    }
  }
  return {
    accuracy: predicted.length === 0 ? 1 : correctLines / predicted.length,
    correctLines,
    totalLines: predicted.length,
    predictedGroups: groups.size,
    trueGroups: trueSizes.size,
    correctGroups,
  };
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
