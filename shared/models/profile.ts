import { quantileSorted } from '../quantiles';

/**
 * A feature's training distribution, kept with the model so drift can be measured later without
 * the training data: decile bin edges and the share of training values in each bin.
 */
export interface FeatureProfile {
  edges: number[];
  proportions: number[];
  missing: number;
}

const EPS = 1e-4;

export function profileOf(values: ArrayLike<number>, bins = 10): FeatureProfile {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const finite = new Float64Array(n);
  for (let i = 0, k = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite[k++] = values[i];
  finite.sort();
  const edges = [...new Set(Array.from({ length: bins - 1 }, (_, i) => quantileSorted(finite, (i + 1) / bins)))];
  return { edges, proportions: binShares(finite, edges), missing: values.length ? (values.length - finite.length) / values.length : 0 };
}

function binShares(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let b = 0;
    while (b < edges.length && v > edges[b]) b++;
    counts[b]++;
    n++;
  }
  return counts.map((c) => (n ? c / n : 0));
}

/**
 * Population stability index of `actual` against a training profile:
 * Σ (a − e) · ln(a / e) over the profile's bins, with ε for empty bins.
 * Rule of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift.
 */
export function psiAgainst(profile: FeatureProfile, actual: ArrayLike<number>): number {
  const a = binShares(actual, profile.edges);
  let psi = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.max(profile.proportions[i], EPS);
    const x = Math.max(a[i], EPS);
    psi += (x - e) * Math.log(x / e);
  }
  return psi;
}

/**
 * Kolmogorov–Smirnov distance at the profile's bin edges: the largest gap between the training and
 * the actual cumulative shares. A coarse KS (decile resolution), enough to rank drifted features.
 */
export function ksAgainst(profile: FeatureProfile, actual: ArrayLike<number>): number {
  const a = binShares(actual, profile.edges);
  let cumA = 0;
  let cumE = 0;
  let ks = 0;
  for (let i = 0; i < a.length; i++) {
    cumA += a[i];
    cumE += profile.proportions[i];
    ks = Math.max(ks, Math.abs(cumA - cumE));
  }
  return ks;
}

/** A profile from stored quantiles (e.g. the model's 101 training-score quantiles): deciles at equal shares. */
export function profileFromQuantiles(quantiles: readonly number[], bins = 10): FeatureProfile {
  const step = (quantiles.length - 1) / bins;
  const edges = [...new Set(Array.from({ length: bins - 1 }, (_, i) => quantiles[Math.round((i + 1) * step)]))];
  return { edges, proportions: binShares(quantiles, edges), missing: 0 };
}
