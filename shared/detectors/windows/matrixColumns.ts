import { BadInputError } from '../../errors';
import type { FeatureMatrix } from '../types';

/** The columns of a matrix, in the given order (a clear error when Gold lacks one). */
export function selectColumns(x: FeatureMatrix, columns: readonly string[]): FeatureMatrix {
  const idx = columns.map((c) => {
    const k = x.columns.indexOf(c);
    if (k < 0) throw new BadInputError(`the window features have no column "${c}"; rerun \`sentinel features\``);
    return k;
  });
  const data = new Float64Array(x.rows * columns.length);
  for (let r = 0; r < x.rows; r++) for (let j = 0; j < idx.length; j++) data[r * columns.length + j] = x.data[r * x.columns.length + idx[j]];
  return { ...x, columns, data };
}

/** Row `row` of a matrix as a one-row matrix (for per-row explanations). */
export function rowOf(x: FeatureMatrix, row: number): FeatureMatrix {
  const k = x.columns.length;
  return { ...x, rows: 1, data: x.data.subarray(row * k, (row + 1) * k), service: [x.service[row]], windowStart: x.windowStart.subarray(row, row + 1) };
}
