/**
 * The loghub-2.0 parser metrics (Jiang et al., ISSTA 2024) beside grouping accuracy (GA, see
 * groupingAccuracy.ts):
 * - PA, parsing accuracy: share of lines whose predicted template text equals the true one;
 * - FGA, F1 of grouping: a predicted group is correct when its line set equals a true group's;
 *   precision = correct groups / predicted groups, recall = correct groups / true groups;
 * - FTA, F1 of template accuracy: as FGA, but a correct group also needs the correct template text.
 * Template texts are compared after `normalizeTemplate`, so a parser's own placeholder names
 * (`<NUM>`, `<IP>`) and runs of adjacent wildcards do not count as differences.
 */
import { groupingAccuracy } from './groupingAccuracy';

export interface ParsingMetrics {
  ga: number;
  pa: number;
  fga: number;
  fta: number;
}

/** Any `<NAME>` placeholder or `<*>` becomes `<*>`; adjacent wildcards (glued or spaced) become one; spaces collapse. */
export function normalizeTemplate(template: string): string {
  return template
    .replace(/<(?:\*|[A-Z][A-Z0-9_]*)>/g, '<*>')
    .replace(/<\*>(?:\s*<\*>)+/g, '<*>')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Line i has predicted group `predictedIds[i]` with template `predictedTemplates[i]`, and true group
 * `trueIds[i]` with template `trueTemplates[i]`.
 */
export function parsingMetrics(
  predictedIds: readonly string[],
  predictedTemplates: readonly string[],
  trueIds: readonly string[],
  trueTemplates: readonly string[],
): ParsingMetrics {
  const n = predictedIds.length;
  if (predictedTemplates.length !== n || trueIds.length !== n || trueTemplates.length !== n) {
    throw new Error('parsing metrics need one predicted id, predicted template, true id and true template per line');
  }
  const ga = groupingAccuracy(predictedIds, trueIds);
  const normalized = new Map<string, string>();
  const norm = (t: string) => {
    let v = normalized.get(t);
    if (v === undefined) normalized.set(t, (v = normalizeTemplate(t)));
    return v;
  };
  let exactLines = 0;
  for (let i = 0; i < n; i++) if (norm(predictedTemplates[i]) === norm(trueTemplates[i])) exactLines++;

  // Correct groups (as in GA) whose template text is also right.
  const groups = new Map<string, { size: number; trueId: string; mixed: boolean; templateOk: boolean }>();
  const trueSizes = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    trueSizes.set(trueIds[i], (trueSizes.get(trueIds[i]) ?? 0) + 1);
    const ok = norm(predictedTemplates[i]) === norm(trueTemplates[i]);
    const g = groups.get(predictedIds[i]);
    if (!g) groups.set(predictedIds[i], { size: 1, trueId: trueIds[i], mixed: false, templateOk: ok });
    else {
      g.size++;
      if (g.trueId !== trueIds[i]) g.mixed = true;
      if (!ok) g.templateOk = false;
    }
  }
  let correctTemplates = 0;
  for (const g of groups.values()) if (!g.mixed && trueSizes.get(g.trueId) === g.size && g.templateOk) correctTemplates++;

  return {
    ga: ga.accuracy,
    pa: n === 0 ? 1 : exactLines / n,
    fga: f1(ga.correctGroups, ga.predictedGroups, ga.trueGroups),
    fta: f1(correctTemplates, ga.predictedGroups, ga.trueGroups),
  };
}

function f1(correct: number, predicted: number, truth: number): number {
  if (predicted === 0 && truth === 0) return 1;
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = truth === 0 ? 0 : correct / truth;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
