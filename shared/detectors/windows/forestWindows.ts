/**
 * The Isolation Forest as a window detector: it sees robust z-scores (per service and hour of week)
 * of every window feature but the status rates, whose denominators (requests with a status) are tiny
 * in quiet windows. A verdict must name a concrete deviation: rows where no input feature is at
 * least 3 robust σ from its seasonal median score 0. Without it the forest flagged quiet minutes
 * with 2–3 background errors (nothing a person could act on).
 */
import {
  explainIsolationForest,
  fitIsolationForestScored,
  isolationForestFromArtifact,
  isolationForestToArtifact,
  scoreIsolationForest,
  type IsolationForestModel,
} from '../isolationForest';
import { explainRobustBaseline, fitRobustBaseline, robustBaseline, robustZMatrix, type RobustBaselineModel } from '../robustBaseline';
import type { Contribution, FeatureMatrix } from '../types';
import { scalerParams } from './featureKinds';
import { rowOf, selectColumns } from './matrixColumns';
import { sameData } from '../sameData';
import type { WindowDetector, WindowInput } from './types';

const MIN_DEVIATION = 3;

export function forestColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => !c.startsWith('status_'));
}

export function requireDeviation(scores: Float64Array, z: FeatureMatrix, minAbsZ: number): Float64Array {
  const k = z.columns.length;
  for (let r = 0; r < z.rows; r++) {
    let top = 0;
    for (let j = 0; j < k; j++) {
      const v = Math.abs(z.data[r * k + j]);
      if (v > top) top = v; // NaN (no latency in an empty window) never wins
    }
    if (top < minAbsZ) scores[r] = 0;
  }
  return scores;
}

/** Contributions in the units people know (value vs seasonal median), ranked by the detector's own credit. */
export function inFeatureUnits(scaler: RobustBaselineModel, raw: FeatureMatrix, row: number, ranked: readonly Contribution[]): Contribution[] {
  const byZ = new Map(explainRobustBaseline(scaler, rowOf(raw, row), 0, scaler.columns.length).map((c) => [c.feature, c]));
  return ranked.map((c) => byZ.get(c.feature) ?? c);
}

export interface ForestWindowsModel {
  scaler: RobustBaselineModel;
  forest: IsolationForestModel;
}

/**
 * What the fit computed on its input: the robust z matrix and the forest's scores of it (the
 * contamination threshold needs them). The bundle then scores the same windows through the loaded
 * artifact: when the loaded forest is the fitted one and the loaded scaler gives the same z matrix,
 * value for value, the forest's scores are these (scoring is deterministic), so it does not walk
 * 100 trees for every window a second time.
 */
interface ForestTraining {
  input: WindowInput;
  forest: IsolationForestModel;
  z: Float64Array;
  scores: Float64Array;
}
const TRAINING = 'isolation_forest:training';

export const forestWindows: WindowDetector<ForestWindowsModel> = {
  name: 'isolation_forest',
  floor: 0.6,
  severitySpan: 0.15,
  persistent: true,
  columns: forestColumns,
  async fit(input, context) {
    const x = selectColumns(input.matrix, forestColumns(input.matrix.columns));
    const scaler = fitRobustBaseline(x, scalerParams(x.columns), context.shared);
    const z = robustZMatrix(scaler, x);
    const { model: forest, trainingScores } = fitIsolationForestScored(z, { seed: context.seed, contamination: context.alertRate });
    const model = { scaler, forest };
    if (trainingScores) context.shared?.set(TRAINING, { input, forest, z: z.data, scores: trainingScores } satisfies ForestTraining);
    return model;
  },
  async score(model, input, context) {
    const x = selectColumns(input.matrix, model.scaler.columns);
    const z = robustZMatrix(model.scaler, x);
    const fitted = context?.shared?.get(TRAINING) as ForestTraining | undefined;
    const same = fitted?.input === input && sameData(fitted.forest, model.forest) && sameData(fitted.z, z.data);
    const raw = same ? Float64Array.from(fitted.scores) : scoreIsolationForest(model.forest, z);
    const scores = requireDeviation(raw, z, MIN_DEVIATION);
    return { scores, explain: (row, top) => inFeatureUnits(model.scaler, x, row, explainIsolationForest(model.forest, rowOf(z, row), 0, top)) };
  },
  toArtifact: async (model) => ({ scaler: robustBaseline.toArtifact(model.scaler), forest: isolationForestToArtifact(model.forest) }),
  async fromArtifact(artifact) {
    const a = artifact as { scaler: unknown; forest: unknown };
    return { scaler: robustBaseline.fromArtifact(a.scaler), forest: isolationForestFromArtifact(a.forest) };
  },
};
