import { describe, expect, it } from 'vitest';
import { WINDOW_DETECTORS } from '../detectors/windows/registry';
import type { WindowDetector } from '../detectors/windows/types';
import { emptySessionData, type WindowData } from './trainingData';
import { fitModelBundle, scoreBundle } from './bundle';

/** A toy detector: the error count itself. One object here plus one registry line is all it takes. */
const errorCount: WindowDetector<{ column: number }> = {
  name: 'toy_error_count',
  floor: 5,
  persistent: false,
  columns: () => ['error_count'],
  fit: async (input) => ({ column: input.matrix.columns.indexOf('error_count') }),
  async score(model, input) {
    const k = input.matrix.columns.length;
    const scores = Float64Array.from({ length: input.matrix.rows }, (_, r) => input.matrix.data[r * k + model.column]);
    return { scores, explain: (row) => [{ feature: 'error_count', value: scores[row], expected: 0, z: scores[row] }] };
  },
  toArtifact: async (model) => model,
  fromArtifact: async (artifact) => artifact as { column: number },
};

function windows(errors: number[]): WindowData {
  const columns = ['count', 'error_count'];
  const data = Float64Array.from(errors.flatMap((e) => [100, e]));
  return {
    matrix: { columns, rows: errors.length, data, service: errors.map(() => 'api'), windowStart: Float64Array.from(errors, (_, i) => i * 60_000) },
    templates: errors.map(() => new Map()),
    windowSeconds: 60,
  };
}

describe('the model bundle', () => {
  it('takes a new window detector from one file and one registry line, and never names it', async () => {
    WINDOW_DETECTORS[errorCount.name] = errorCount; // the registry line
    try {
      const training = windows(Array.from({ length: 400 }, (_, i) => i % 7));
      const bundle = await fitModelBundle(training, emptySessionData(), { detectors: ['toy_error_count'], alertRate: 0.01, seed: 1 });
      // The 0.99 quantile of 0..6 is 6, above the floor 5.
      expect(bundle.windows.thresholds).toEqual([
        { detector: 'toy_error_count', threshold: 6, source: 'quantile', trainingShare: expect.closeTo(57 / 400, 5) },
      ]);
      const scored = await scoreBundle(JSON.parse(JSON.stringify(bundle)), windows([1, 40, 2]), emptySessionData());
      expect(scored.windows.map((v) => v.anomalous)).toEqual([false, true, false]);
      expect(scored.windows[1].detectors).toEqual(['toy_error_count']);
      expect(scored.explain(1)).toEqual([{ feature: 'error_count', value: 40, expected: 0, z: 40 }]);
    } finally {
      delete WINDOW_DETECTORS[errorCount.name];
    }
  });
});
