import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { rocAuc } from '../metrics';
import { fitIsolationForest, isolationForestFromArtifact, isolationForestToArtifact, scoreIsolationForest, explainIsolationForest } from './isolationForest';
import type { FeatureMatrix } from './types';

/** n inliers ~ N(0,1) in d dims, plus outliers shifted by +6 on feature 2. */
function blobs(n: number, outliers: number, d = 4, seed = 1): { x: FeatureMatrix; labels: boolean[] } {
  const rng = createRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const rows = n + outliers;
  const data = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) data[i * d + j] = gauss() + (i >= n && j === 2 ? 6 : 0);
  const x = { columns: Array.from({ length: d }, (_, j) => `f${j}`), rows, data, service: new Array(rows).fill('s'), windowStart: new Float64Array(rows) };
  return { x, labels: Array.from({ length: rows }, (_, i) => i >= n) };
}

describe('isolation forest', () => {
  const { x, labels } = blobs(2000, 20);

  it('separates outliers (AUC > 0.95) with subsampling and the height limit', () => {
    const model = fitIsolationForest(x, { seed: 7 });
    expect(model.maxSamples).toBe(256);
    expect(model.heightLimit).toBe(8);
    expect(rocAuc(scoreIsolationForest(model, x), labels)).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const a = scoreIsolationForest(fitIsolationForest(x, { seed: 3 }), x);
    const b = scoreIsolationForest(fitIsolationForest(x, { seed: 3 }), x);
    const c = scoreIsolationForest(fitIsolationForest(x, { seed: 4 }), x);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('round-trips through its JSON artifact with identical scores', () => {
    const model = fitIsolationForest(x, { seed: 5, contamination: 0.01 });
    const restored = isolationForestFromArtifact(JSON.parse(JSON.stringify(isolationForestToArtifact(model))));
    expect(Array.from(scoreIsolationForest(restored, x))).toEqual(Array.from(scoreIsolationForest(model, x)));
    expect(restored.decisionThreshold).toBe(model.decisionThreshold);
  });

  it('puts the threshold at the contamination quantile of training scores', () => {
    const model = fitIsolationForest(x, { seed: 5, contamination: 0.05 });
    const flagged = Array.from(scoreIsolationForest(model, x)).filter((s) => s > model.decisionThreshold).length;
    expect(flagged / x.rows).toBeGreaterThan(0.04);
    expect(flagged / x.rows).toBeLessThanOrEqual(0.051);
  });

  it('names the shifted feature first when explaining an outlier', () => {
    const model = fitIsolationForest(x, { seed: 5 });
    const top = explainIsolationForest(model, x, x.rows - 1, 2);
    expect(top[0].feature).toBe('f2');
    expect(top[0].z).toBeGreaterThan(3);
  });

  it('rejects an artifact of another kind with a clear error', () => {
    expect(() => isolationForestFromArtifact({ kind: 'robust_baseline', version: 1 })).toThrow(/not an isolation_forest v1 artifact/);
  });
});
