/**
 * Isolation Forest (Liu, Ting & Zhou 2008), following scikit-learn's IsolationForest:
 * - each tree grows on ψ = min(maxSamples, rows) rows drawn WITHOUT replacement, up to depth
 *   ceil(log2 ψ); a node splits on a random non-constant feature at a uniform threshold in
 *   [min, max) of that feature within the node, rows with x <= threshold going left;
 * - path length h(x) = depth of the leaf + c(leaf size), score = 2^(-E[h(x)] / c(ψ)) in (0, 1],
 *   higher = more anomalous (sklearn's score_samples is the negative of this);
 * - contamination 'auto' puts the decision threshold at 0.5 (the paper's rule, sklearn's offset_ -0.5);
 *   a fraction puts it at the (1 - contamination) quantile of the training scores.
 * Trees live in flat typed arrays (one set for the whole forest) so scoring is a tight loop and
 * the artifact is a handful of base64 strings. Missing values (NaN) are replaced by training medians.
 */
import { quantileSorted } from '../quantiles';
import { createRandom, type Random } from '../random';
import { BadInputError } from '../errors';
import { decodeFloat64, decodeInt32, encodeTyped } from './codec';
import { column, MAD_TO_SIGMA, medianAndMad } from './robustStats';
import type { Contribution, Detector, FeatureMatrix } from './types';

export interface IsolationForestParams {
  /** Number of trees (sklearn n_estimators). Default 100. */
  nEstimators?: number;
  /** Rows per tree, drawn without replacement (sklearn max_samples). Default 256. */
  maxSamples?: number;
  /** Fraction of the columns each tree may split on, drawn per tree (sklearn max_features). Default 1. */
  maxFeatures?: number;
  /** 'auto' (threshold 0.5) or the expected share of outliers in training, in (0, 0.5]. Default 'auto'. */
  contamination?: 'auto' | number;
  /** Same as a numeric contamination, named for how alerting thinks about it; wins if both are set. */
  targetFalsePositiveRate?: number;
  /** Seed for shared/random. Default 42. */
  seed?: number;
}

/** The forest's nodes; node i of the whole forest is (feature[i], threshold[i], left[i], right[i], size[i]). */
export interface ForestNodes {
  /** Root index of tree t is start[t]; start has nEstimators + 1 entries (the last = node count). */
  readonly start: Int32Array;
  /** Split feature (model column index), -1 for a leaf. */
  readonly feature: Int32Array;
  /** Rows with x[feature] <= threshold go left. Unused (0) at leaves. */
  readonly threshold: Float64Array;
  /** Child node indices (forest-wide), -1 at leaves. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Training (subsample) rows that reached the node: c(size) completes paths at leaves; explain uses it too. */
  readonly size: Int32Array;
}

export interface IsolationForestModel {
  readonly columns: readonly string[];
  readonly nEstimators: number;
  /** Effective subsample size ψ (min(maxSamples, training rows)). */
  readonly maxSamples: number;
  readonly maxFeatures: number;
  readonly heightLimit: number;
  readonly contamination: 'auto' | number;
  readonly seed: number;
  /** Rows scoring above this are outliers. */
  readonly decisionThreshold: number;
  /** Training medians: NaN replacement and the "expected" value in explanations. */
  readonly medians: Float64Array;
  /** Robust spread (1.4826·MAD, floored, see robustScale) for the z of explanations. */
  readonly scales: Float64Array;
  readonly nodes: ForestNodes;
  /** Derived from nodes at fit/load, not serialized. */
  readonly compiled: CompiledForest;
}

/**
 * Branch-free form of the nodes for scoring. Leaves become self-loops that never send a row right,
 * so every walk can take the tree's full depth in steps and the child is `child + (x > threshold)`:
 * no unpredictable branches, and several rows can walk at once.
 */
export interface CompiledForest {
  /** Left child (right = left + 1); a leaf points to itself. */
  readonly child: Int32Array;
  /** Split feature; 0 at leaves (any valid column, the +Infinity threshold keeps the walk in place). */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** depth + c(size) at leaves, 0 elsewhere. */
  readonly leafPath: Float64Array;
  /** Depth of each tree's deepest leaf: how many steps a walk needs. */
  readonly treeDepth: Int32Array;
}

const EULER_GAMMA = 0.5772156649;

/** Average path length of an unsuccessful BST search over n points: sklearn's _average_path_length. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  // 2·H(1) - 2·1/2 = 1 exactly; the ln approximation of H would give 0.15 here.
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

interface Resolved {
  nEstimators: number;
  maxSamples: number;
  maxFeatures: number;
  contamination: 'auto' | number;
  seed: number;
}

function resolveParams(p: IsolationForestParams): Resolved {
  const nEstimators = p.nEstimators ?? 100;
  const maxSamples = p.maxSamples ?? 256;
  const maxFeatures = p.maxFeatures ?? 1;
  const contamination = p.targetFalsePositiveRate ?? p.contamination ?? 'auto';
  if (!Number.isInteger(nEstimators) || nEstimators < 1)
    throw new BadInputError(`isolation_forest: nEstimators must be a positive integer, got ${nEstimators}`);
  if (!Number.isInteger(maxSamples) || maxSamples < 2) throw new BadInputError(`isolation_forest: maxSamples must be an integer >= 2, got ${maxSamples}`);
  if (!(maxFeatures > 0 && maxFeatures <= 1)) throw new BadInputError(`isolation_forest: maxFeatures is a fraction in (0, 1], got ${maxFeatures}`);
  if (contamination !== 'auto' && !(contamination > 0 && contamination <= 0.5)) {
    throw new BadInputError(`isolation_forest: contamination must be 'auto' or in (0, 0.5], got ${contamination}`);
  }
  return { nEstimators, maxSamples, maxFeatures, contamination, seed: p.seed ?? 42 };
}

/**
 * Spread used to express explanation values as robust z. MAD is 0 for mostly-constant columns
 * (counts that are nearly always 0); then the mean absolute deviation (×1.2533, its normal-consistency
 * factor) still sees the rare non-zero values, and 1 is the last resort for truly constant columns.
 */
function robustScale(values: Float64Array, median: number, mad: number): number {
  if (mad > 0) return MAD_TO_SIGMA * mad;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    sum += Math.abs(values[i] - median);
    n++;
  }
  const meanAbs = n ? (1.2533 * sum) / n : 0;
  return meanAbs > 0 ? meanAbs : 1;
}

/**
 * The matrix in model column order with NaN replaced by training medians. Returns x.data itself
 * when it already is (the common case), so scoring 100k rows does not copy 16 MB for nothing.
 */
function prepareData(x: FeatureMatrix, columns: readonly string[], medians: Float64Array): Float64Array {
  const cols = columns.length;
  const sameOrder = x.columns.length === cols && columns.every((c, j) => x.columns[j] === c);
  if (sameOrder) {
    let clean = true;
    for (let i = 0; i < x.data.length; i++) {
      if (Number.isNaN(x.data[i])) {
        clean = false;
        break;
      }
    }
    if (clean) return x.data;
  }
  const sourceIndex = columns.map((c) => {
    const j = x.columns.indexOf(c);
    if (j < 0) throw new BadInputError(`isolation_forest: the matrix has no column "${c}" that the model was trained on`);
    return j;
  });
  const xCols = x.columns.length;
  const out = new Float64Array(x.rows * cols);
  for (let r = 0; r < x.rows; r++) {
    for (let j = 0; j < cols; j++) {
      const v = x.data[r * xCols + sourceIndex[j]];
      out[r * cols + j] = Number.isNaN(v) ? medians[j] : v;
    }
  }
  return out;
}

/** Grows all trees into preallocated node arrays; returns them trimmed to the nodes used. */
function growForest(data: Float64Array, rows: number, cols: number, r: Resolved, psi: number, heightLimit: number, rng: Random): ForestNodes {
  const maxNodesPerTree = 2 * psi - 1;
  const capacity = r.nEstimators * maxNodesPerTree;
  const feature = new Int32Array(capacity);
  const threshold = new Float64Array(capacity);
  const left = new Int32Array(capacity);
  const right = new Int32Array(capacity);
  const size = new Int32Array(capacity);
  const start = new Int32Array(r.nEstimators + 1);
  let count = 0;

  // A running permutation of all rows: the first ψ entries after a partial Fisher-Yates shuffle are a
  // uniform sample without replacement, in O(ψ) per tree instead of O(rows).
  const perm = new Int32Array(rows);
  for (let i = 0; i < rows; i++) perm[i] = i;
  const sample = new Int32Array(psi);
  const featuresPerTree = Math.max(1, Math.floor(r.maxFeatures * cols));
  const allFeatures = new Int32Array(cols);
  for (let j = 0; j < cols; j++) allFeatures[j] = j;
  const order = new Int32Array(featuresPerTree);

  for (let t = 0; t < r.nEstimators; t++) {
    const treeRng = rng.fork();
    for (let i = 0; i < psi; i++) {
      const j = i + treeRng.int(rows - i);
      const tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
      sample[i] = perm[i];
    }
    // Per-tree feature subset (sklearn's bagging max_features); all columns when maxFeatures is 1.
    for (let i = 0; i < featuresPerTree && featuresPerTree < cols; i++) {
      const j = i + treeRng.int(cols - i);
      const tmp = allFeatures[i];
      allFeatures[i] = allFeatures[j];
      allFeatures[j] = tmp;
    }
    const treeFeatures = allFeatures.slice(0, featuresPerTree);
    start[t] = count;

    // Children are allocated as a pair (right = left + 1) so scoring can pick a child without a branch.
    const grow = (node: number, lo: number, hi: number, depth: number): void => {
      size[node] = hi - lo;
      feature[node] = -1;
      left[node] = -1;
      right[node] = -1;
      if (depth >= heightLimit || hi - lo <= 1) return;
      // Draw features in random order until one is not constant in this node (sklearn skips
      // constant features the same way); if all are constant the node is a leaf.
      order.set(treeFeatures);
      let f = -1;
      let min = 0;
      let max = 0;
      for (let k = 0; k < featuresPerTree; k++) {
        const pick = k + treeRng.int(featuresPerTree - k);
        const candidate = order[pick];
        order[pick] = order[k];
        order[k] = candidate;
        min = Infinity;
        max = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = data[sample[i] * cols + candidate];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        if (max > min) {
          f = candidate;
          break;
        }
      }
      if (f < 0) return;
      let split = min + treeRng.next() * (max - min);
      if (split >= max) split = min; // rounding guard, as sklearn: the right side must not be empty
      let mid = lo;
      for (let i = lo; i < hi; i++) {
        if (data[sample[i] * cols + f] <= split) {
          const tmp = sample[i];
          sample[i] = sample[mid];
          sample[mid] = tmp;
          mid++;
        }
      }
      const l = count;
      count += 2;
      feature[node] = f;
      threshold[node] = split;
      left[node] = l;
      right[node] = l + 1;
      grow(l, lo, mid, depth + 1);
      grow(l + 1, mid, hi, depth + 1);
    };
    grow(count++, 0, psi, 0);
  }
  start[r.nEstimators] = count;
  return {
    start,
    feature: feature.slice(0, count),
    threshold: threshold.slice(0, count),
    left: left.slice(0, count),
    right: right.slice(0, count),
    size: size.slice(0, count),
  };
}

export function compileForest(nodes: ForestNodes): CompiledForest {
  const count = nodes.feature.length;
  const child = new Int32Array(count);
  const feature = new Int32Array(count);
  const threshold = new Float64Array(count);
  const leafPath = new Float64Array(count);
  const trees = nodes.start.length - 1;
  const treeDepth = new Int32Array(trees);
  const walk = (node: number, depth: number, tree: number): void => {
    if (nodes.feature[node] < 0) {
      child[node] = node;
      threshold[node] = Infinity;
      leafPath[node] = depth + averagePathLength(nodes.size[node]);
      if (depth > treeDepth[tree]) treeDepth[tree] = depth;
      return;
    }
    if (nodes.right[node] !== nodes.left[node] + 1) throw new BadInputError('isolation_forest: node children must be adjacent (right = left + 1)');
    child[node] = nodes.left[node];
    feature[node] = nodes.feature[node];
    threshold[node] = nodes.threshold[node];
    walk(nodes.left[node], depth + 1, tree);
    walk(nodes.right[node], depth + 1, tree);
  };
  for (let t = 0; t < trees; t++) walk(nodes.start[t], 0, t);
  return { child, feature, threshold, leafPath, treeDepth };
}

/** Rows walked through each tree together: independent walks overlap their memory latency. */
const LANES = 4;

/** Anomaly scores 2^(-E[h]/c(ψ)) of rows already in model column order without NaN. */
function scorePrepared(model: IsolationForestModel, data: Float64Array, rows: number): Float64Array {
  const { child, feature, threshold, leafPath, treeDepth } = model.compiled;
  const start = model.nodes.start;
  const cols = model.columns.length;
  const trees = model.nEstimators;
  const norm = -1 / (trees * averagePathLength(model.maxSamples));
  const out = new Float64Array(rows);
  const full = rows - (rows % LANES);
  for (let r = 0; r < full; r += LANES) {
    const b0 = r * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let t = 0; t < trees; t++) {
      const root = start[t];
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      for (let d = treeDepth[t]; d > 0; d--) {
        n0 = child[n0] + +(data[b0 + feature[n0]] > threshold[n0]);
        n1 = child[n1] + +(data[b1 + feature[n1]] > threshold[n1]);
        n2 = child[n2] + +(data[b2 + feature[n2]] > threshold[n2]);
        n3 = child[n3] + +(data[b3 + feature[n3]] > threshold[n3]);
      }
      s0 += leafPath[n0];
      s1 += leafPath[n1];
      s2 += leafPath[n2];
      s3 += leafPath[n3];
    }
    out[r] = 2 ** (s0 * norm);
    out[r + 1] = 2 ** (s1 * norm);
    out[r + 2] = 2 ** (s2 * norm);
    out[r + 3] = 2 ** (s3 * norm);
  }
  for (let r = full; r < rows; r++) {
    const base = r * cols;
    let total = 0;
    for (let t = 0; t < trees; t++) {
      let node = start[t];
      for (let d = treeDepth[t]; d > 0; d--) node = child[node] + +(data[base + feature[node]] > threshold[node]);
      total += leafPath[node];
    }
    out[r] = 2 ** (total * norm);
  }
  return out;
}

export function fitIsolationForest(x: FeatureMatrix, params: IsolationForestParams = {}): IsolationForestModel {
  return fitIsolationForestScored(x, params).model;
}

/**
 * `fitIsolationForest`, with the training rows' scores when the fit computed them (a numeric
 * contamination sets the decision threshold from them): what `scoreIsolationForest(model, x)` gives.
 */
export function fitIsolationForestScored(x: FeatureMatrix, params: IsolationForestParams = {}): { model: IsolationForestModel; trainingScores?: Float64Array } {
  const r = resolveParams(params);
  const cols = x.columns.length;
  if (x.rows < 2 || cols < 1) throw new BadInputError(`isolation_forest: need at least 2 rows and 1 column to fit, got ${x.rows}×${cols}`);
  const medians = new Float64Array(cols);
  const scales = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const values = column(x.data, cols, j);
    const { median, mad } = medianAndMad(values);
    // An all-missing column becomes constant 0: no split can use it, and scoring stays defined.
    medians[j] = Number.isNaN(median) ? 0 : median;
    scales[j] = Number.isNaN(median) ? 1 : robustScale(values, median, mad);
  }
  const data = prepareData(x, x.columns, medians);
  const psi = Math.min(r.maxSamples, x.rows);
  const heightLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
  const nodes = growForest(data, x.rows, cols, r, psi, heightLimit, createRandom(r.seed));
  const base: IsolationForestModel = {
    columns: [...x.columns],
    nEstimators: r.nEstimators,
    maxSamples: psi,
    maxFeatures: r.maxFeatures,
    heightLimit,
    contamination: r.contamination,
    seed: r.seed,
    decisionThreshold: 0.5,
    medians,
    scales,
    nodes,
    compiled: compileForest(nodes),
  };
  if (r.contamination === 'auto') return { model: base };
  const trainingScores = scorePrepared(base, data, x.rows);
  return { model: { ...base, decisionThreshold: quantileSorted(Float64Array.from(trainingScores).sort(), 1 - r.contamination) }, trainingScores };
}

export function scoreIsolationForest(model: IsolationForestModel, x: FeatureMatrix): Float64Array {
  return scorePrepared(model, prepareData(x, model.columns, model.medians), x.rows);
}

/**
 * Which features isolated this row, by "isolation credit": at every split on the row's path
 * (every tree), the feature used earns the share of the node's training rows that went the OTHER
 * way. An outlier on feature f is cut off from nearly everything by splits on f (credit ≈ 1 each);
 * an inlier's splits shave off small tails (credit ≈ 0.2-0.3) spread over all features. Credits are
 * averaged over trees and rank the features; each contribution reports value vs the training median
 * and the robust z (value - median) / (1.4826·MAD) so readers get units they know.
 */
export function explainIsolationForest(model: IsolationForestModel, x: FeatureMatrix, row: number, top: number): Contribution[] {
  const cols = model.columns.length;
  const values = new Float64Array(cols);
  const xCols = x.columns.length;
  model.columns.forEach((c, j) => {
    const k = x.columns.indexOf(c);
    if (k < 0) throw new BadInputError(`isolation_forest: the matrix has no column "${c}" that the model was trained on`);
    const v = x.data[row * xCols + k];
    values[j] = Number.isNaN(v) ? model.medians[j] : v;
  });
  const { feature, threshold, left, right, size, start } = model.nodes;
  const credit = new Float64Array(cols);
  for (let t = 0; t < model.nEstimators; t++) {
    let node = start[t];
    while (feature[node] >= 0) {
      const f = feature[node];
      const next = values[f] <= threshold[node] ? left[node] : right[node];
      credit[f] += (size[node] - size[next]) / size[node];
      node = next;
    }
  }
  return Array.from({ length: cols }, (_, j) => j)
    .sort((a, b) => credit[b] - credit[a] || a - b)
    .slice(0, Math.max(0, top))
    .map((j) => ({ feature: model.columns[j], value: values[j], expected: model.medians[j], z: (values[j] - model.medians[j]) / model.scales[j] }));
}

const ARTIFACT_KIND = 'isolation_forest';
const ARTIFACT_VERSION = 1;

/** The JSON form: typed arrays as base64 strings. */
interface IsolationForestArtifact {
  kind: string;
  version: number;
  columns: readonly string[];
  nEstimators: number;
  maxSamples: number;
  maxFeatures: number;
  heightLimit: number;
  contamination: 'auto' | number;
  seed: number;
  decisionThreshold: number;
  medians: string;
  scales: string;
  nodes: Record<'start' | 'feature' | 'threshold' | 'left' | 'right' | 'size', string>;
}

export function isolationForestToArtifact(model: IsolationForestModel): IsolationForestArtifact {
  const n = model.nodes;
  return {
    kind: ARTIFACT_KIND,
    version: ARTIFACT_VERSION,
    columns: model.columns,
    nEstimators: model.nEstimators,
    maxSamples: model.maxSamples,
    maxFeatures: model.maxFeatures,
    heightLimit: model.heightLimit,
    contamination: model.contamination,
    seed: model.seed,
    decisionThreshold: model.decisionThreshold,
    medians: encodeTyped(model.medians),
    scales: encodeTyped(model.scales),
    nodes: {
      start: encodeTyped(n.start),
      feature: encodeTyped(n.feature),
      threshold: encodeTyped(n.threshold),
      left: encodeTyped(n.left),
      right: encodeTyped(n.right),
      size: encodeTyped(n.size),
    },
  };
}

export function isolationForestFromArtifact(artifact: unknown): IsolationForestModel {
  const a = artifact as IsolationForestArtifact | undefined;
  if (!a || a.kind !== ARTIFACT_KIND || a.version !== ARTIFACT_VERSION) {
    throw new BadInputError(`not an isolation_forest v${ARTIFACT_VERSION} artifact (kind ${a?.kind}, version ${a?.version})`);
  }
  const nodes: ForestNodes = {
    start: decodeInt32(a.nodes.start, 'nodes.start'),
    feature: decodeInt32(a.nodes.feature, 'nodes.feature'),
    threshold: decodeFloat64(a.nodes.threshold, 'nodes.threshold'),
    left: decodeInt32(a.nodes.left, 'nodes.left'),
    right: decodeInt32(a.nodes.right, 'nodes.right'),
    size: decodeInt32(a.nodes.size, 'nodes.size'),
  };
  const count = nodes.feature.length;
  if (nodes.start.length !== a.nEstimators + 1 || [nodes.threshold, nodes.left, nodes.right, nodes.size].some((arr) => arr.length !== count)) {
    throw new BadInputError('isolation_forest artifact: node arrays have inconsistent lengths');
  }
  return {
    columns: [...a.columns],
    nEstimators: a.nEstimators,
    maxSamples: a.maxSamples,
    maxFeatures: a.maxFeatures,
    heightLimit: a.heightLimit,
    contamination: a.contamination,
    seed: a.seed,
    decisionThreshold: a.decisionThreshold,
    medians: decodeFloat64(a.medians, 'medians'),
    scales: decodeFloat64(a.scales, 'scales'),
    nodes,
    compiled: compileForest(nodes),
  };
}

export const isolationForest: Detector<IsolationForestModel, IsolationForestParams> = {
  name: 'isolation_forest',
  fit: async (x, params) => fitIsolationForest(x, params),
  score: async (model, x) => scoreIsolationForest(model, x),
  explain: explainIsolationForest,
  toArtifact: isolationForestToArtifact,
  fromArtifact: isolationForestFromArtifact,
};
