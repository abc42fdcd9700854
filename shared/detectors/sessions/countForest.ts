/**
 * Isolation Forest on session event-count vectors (loglizer's IsolationForest on the event count
 * matrix), using our seeded forest. Columns are the training events plus `unseen`, the count of
 * events training never saw. Its own test is the paper's: score ≥ 0.5 (scikit-learn's
 * contamination='auto').
 */
import { countEvents, vocabularyOf } from './eventCounts';
import {
  fitIsolationForest,
  isolationForestFromArtifact,
  isolationForestToArtifact,
  scoreIsolationForest,
  explainIsolationForest,
  type IsolationForestModel,
} from '../isolationForest';
import type { FeatureMatrix } from '../types';
import type { SessionDetector, Sequences } from './types';

export interface CountForestModel {
  vocabulary: string[];
  forest: IsolationForestModel;
}

const UNSEEN = '(unseen events)';

function countMatrix(vocabulary: readonly string[], sessions: Sequences): FeatureMatrix {
  const counts = countEvents(vocabulary, sessions);
  const m = vocabulary.length + 1;
  const data = new Float64Array(counts.rows * m);
  for (let r = 0; r < counts.rows; r++) {
    data.set(counts.data.subarray(r * (m - 1), (r + 1) * (m - 1)), r * m);
    data[r * m + m - 1] = counts.unseen[r];
  }
  return { columns: [...vocabulary, UNSEEN], rows: counts.rows, data, service: new Array(counts.rows).fill(''), windowStart: new Float64Array(counts.rows) };
}

export const countForestDetector: SessionDetector<CountForestModel> = {
  name: 'count_forest',
  floor: 0.5,
  async fit(training, params) {
    const vocabulary = vocabularyOf(training);
    return { vocabulary, forest: fitIsolationForest(countMatrix(vocabulary, training), { seed: params.seed }) };
  },
  score: async (model, sessions) => scoreIsolationForest(model.forest, countMatrix(model.vocabulary, sessions)),
  autoThreshold: () => 0.5,
  async explain(model, session, top) {
    return explainIsolationForest(model.forest, countMatrix(model.vocabulary, [session]), 0, top).map((c) => ({
      detector: 'count_forest',
      text: `count(${c.feature}) = ${c.value}, median ${c.expected} in training`,
      events: c.feature === UNSEEN ? [] : [c.feature],
    }));
  },
  toArtifact: async (model) => ({ kind: 'count_forest', vocabulary: model.vocabulary, forest: isolationForestToArtifact(model.forest) }),
  async fromArtifact(artifact) {
    const a = artifact as { vocabulary: string[]; forest: unknown };
    return { vocabulary: a.vocabulary, forest: isolationForestFromArtifact(a.forest) };
  },
};
