/**
 * PCA on the TF-IDF-weighted event-count matrix with the Q-statistic (Xu et al., SOSP 2009;
 * loglizer's PCA): the principal components that explain 95 % of the variance span "normal"
 * sessions; a session's squared prediction error (SPE) outside that subspace is its score. Its own
 * test is the Jackson–Mudholkar Q_α threshold with c_α = 3.2905 (α ≈ 0.0005, loglizer's default).
 */
import { BadInputError } from '../../errors';
import { symmetricEigen } from '../../linalg/symmetricEigen';
import { countEvents, sessionFrequency, vocabularyOf, type EventCounts } from './eventCounts';
import type { SessionDetector, Sequences } from './types';

export interface PcaResidualModel {
  kind: 'pca_residual';
  vocabulary: string[];
  idf: number[];
  mean: number[];
  /** m × k principal axes, row-major. */
  axes: number[];
  components: number;
  qThreshold: number;
  /** Training sessions: an event never seen in them weighs as one seen once (idf log(n + 1)). */
  sessions: number;
}

const VARIANCE_KEPT = 0.95;
const C_ALPHA = 3.2905;

/** Weighted, centered rows (idf · count − mean). */
function weighted(model: Pick<PcaResidualModel, 'idf' | 'mean'>, counts: EventCounts, row: number): Float64Array {
  const m = model.idf.length;
  return Float64Array.from({ length: m }, (_, j) => counts.data[row * m + j] * model.idf[j] - model.mean[j]);
}

/** y − P Pᵀ y. */
function residual(model: PcaResidualModel, y: Float64Array): Float64Array {
  const m = y.length;
  const k = model.components;
  const out = Float64Array.from(y);
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let j = 0; j < m; j++) dot += model.axes[j * k + c] * y[j];
    for (let j = 0; j < m; j++) out[j] -= dot * model.axes[j * k + c];
  }
  return out;
}

export function fitPcaResidual(training: Sequences): PcaResidualModel {
  const vocabulary = vocabularyOf(training);
  const counts = countEvents(vocabulary, training);
  const m = vocabulary.length;
  const n = Math.max(1, counts.rows);
  const idf = Array.from(sessionFrequency(counts), (f) => Math.log(1 / Math.max(f, 1e-8)));
  const mean = new Array<number>(m).fill(0);
  for (let r = 0; r < counts.rows; r++) for (let j = 0; j < m; j++) mean[j] += (counts.data[r * m + j] * idf[j]) / n;
  const cov = new Float64Array(m * m);
  for (let r = 0; r < counts.rows; r++) {
    const y = weighted({ idf, mean }, counts, r);
    for (let a = 0; a < m; a++) {
      if (y[a] === 0) continue;
      for (let b = 0; b < m; b++) cov[a * m + b] += (y[a] * y[b]) / n;
    }
  }
  const { values, vectors } = symmetricEigen(cov, m);
  const lambda = Array.from(values, (v) => Math.max(v, 0));
  const total = lambda.reduce((s, v) => s + v, 0);
  let k = 0;
  for (let acc = 0; k < m && acc < VARIANCE_KEPT * total; k++) acc += lambda[k];
  const axes = new Array<number>(m * k);
  for (let j = 0; j < m; j++) for (let c = 0; c < k; c++) axes[j * k + c] = vectors[j * m + c];
  const phi = [1, 2, 3].map((p) => lambda.slice(k).reduce((s, v) => s + v ** p, 0));
  let qThreshold = 0;
  if (phi[0] > 0 && phi[1] > 0) {
    const h0 = 1 - (2 * phi[0] * phi[2]) / (3 * phi[1] ** 2);
    qThreshold = phi[0] * ((C_ALPHA * Math.sqrt(2 * phi[1] * h0 * h0)) / phi[0] + 1 + (phi[1] * h0 * (h0 - 1)) / phi[0] ** 2) ** (1 / h0);
  }
  return { kind: 'pca_residual', vocabulary, idf, mean, axes, components: k, qThreshold: Number.isFinite(qThreshold) ? qThreshold : 0, sessions: counts.rows };
}

export function scorePcaResidual(model: PcaResidualModel, sessions: Sequences): Float64Array {
  const counts = countEvents(model.vocabulary, sessions);
  return Float64Array.from({ length: counts.rows }, (_, r) => {
    const e = residual(model, weighted(model, counts, r));
    // Events training never saw are outside the normal subspace by definition: each adds its weight².
    return e.reduce((s, v) => s + v * v, 0) + counts.unseen[r] * Math.log(model.sessions + 1) ** 2;
  });
}

export const pcaResidualDetector: SessionDetector<PcaResidualModel> = {
  name: 'pca_residual',
  floor: 0,
  fit: async (training) => fitPcaResidual(training),
  score: async (model, sessions) => scorePcaResidual(model, sessions),
  autoThreshold: (model) => model.qThreshold,
  async explain(model, session, top) {
    const counts = countEvents(model.vocabulary, [session]);
    const e = residual(model, weighted(model, counts, 0));
    return Array.from(e, (v, j) => ({ j, v }))
      .filter(({ j, v }) => Math.abs(v) > 1e-9 && model.idf[j] > 0)
      .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
      .slice(0, top)
      .map(({ j, v }) => ({
        detector: 'pca_residual',
        text: `count(${model.vocabulary[j]}) = ${counts.data[j]}, where the normal subspace expects ${(counts.data[j] - v / model.idf[j]).toFixed(1)}`,
        events: [model.vocabulary[j]],
      }));
  },
  toArtifact: async (model) => model,
  async fromArtifact(artifact) {
    const a = artifact as PcaResidualModel;
    if (a?.kind !== 'pca_residual' || !Array.isArray(a.axes) || typeof a.sessions !== 'number')
      throw new BadInputError('not a pca_residual artifact; retrain with `sentinel train`');
    return a;
  },
};
