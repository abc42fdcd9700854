/**
 * Leave-one-system-out (LOSO) selection: for each held-out system, the setting chosen by its mean
 * score on all the other systems, and the held-out system's score under that setting. A rule or
 * constant that only helps the system it was made for is not chosen when that system is held out,
 * so the LOSO mean shows what the settings are worth on a system nobody tuned for.
 */

export interface LeaveOneOut {
  /** Per held-out system: the index of the chosen setting and the held-out score under it. */
  folds: Array<{ chosen: number; score: number }>;
  mean: number;
}

/**
 * `scores[c][s]`: score of setting c on system s. Ties go to the lower setting index, so list the
 * default (or the simplest: rules off) first to prefer it when the others add nothing.
 */
export function leaveOneOut(scores: readonly (readonly number[])[]): LeaveOneOut {
  if (scores.length === 0) throw new Error('leave-one-out needs at least one setting');
  const systems = scores[0].length;
  if (scores.some((row) => row.length !== systems)) throw new Error('every setting needs one score per system');
  const folds: LeaveOneOut['folds'] = [];
  for (let held = 0; held < systems; held++) {
    let chosen = 0;
    let best = -Infinity;
    for (let c = 0; c < scores.length; c++) {
      let sum = 0;
      for (let s = 0; s < systems; s++) if (s !== held) sum += scores[c][s];
      // A relative tolerance, so float noise in equal sums does not break ties.
      if (sum > best + 1e-9) {
        best = sum;
        chosen = c;
      }
    }
    folds.push({ chosen, score: scores[chosen][held] });
  }
  return { folds, mean: systems === 0 ? 0 : folds.reduce((a, f) => a + f.score, 0) / systems };
}
