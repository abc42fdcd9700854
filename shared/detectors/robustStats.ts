/**
 * Order statistics the detectors share: selection-based median (O(n), no full sort — 100k-row
 * columns are fitted often), MAD, column extraction. Quantiles of sorted arrays: shared/quantiles.
 */

/** Scale factor that makes MAD a consistent estimator of σ for normal data. */
export const MAD_TO_SIGMA = 1.4826;

/** Rearranges `a` so that a[k] is the k-th smallest (Hoare's quickselect, median-of-3 pivot). */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted / constant input from going quadratic.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Median of the finite values in `scratch` (reordered in place); NaN when there are none. */
export function medianInPlace(scratch: Float64Array): number {
  const n = scratch.length;
  if (n === 0) return NaN;
  const upper = selectInPlace(scratch, n >>> 1);
  if (n % 2 === 1) return upper;
  // After selection everything left of n/2 is ≤ upper: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < n >>> 1; i++) if (scratch[i] > lower) lower = scratch[i];
  return (lower + upper) / 2;
}

/** Median and unscaled median absolute deviation of the non-NaN values. */
export function medianAndMad(values: ArrayLike<number>): { median: number; mad: number } {
  const finite = finiteCopy(values);
  const median = medianInPlace(finite);
  for (let i = 0; i < finite.length; i++) finite[i] = Math.abs(finite[i] - median);
  return { median, mad: medianInPlace(finite) };
}

/** Copy of the non-NaN values. */
export function finiteCopy(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[k++] = values[i];
  return out;
}

/** Column `j` of a row-major matrix with `cols` columns. */
export function column(data: Float64Array, cols: number, j: number): Float64Array {
  const rows = data.length / cols;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = data[i * cols + j];
  return out;
}
