/**
 * The matrix-level contract of the robust baseline and the forest (fit, score, explain on a feature
 * matrix). The bundle sees window detectors through ./windows/types and session detectors through
 * ./sessions/types; shared/models/bundle calibrates raw scores to a common scale. Models are plain
 * data so they serialize to JSON artifacts in the lake.
 */

/** Row-major numeric features with the keys that identify each row. */
export interface FeatureMatrix {
  /** Feature names; `columns.length` is the number of columns. */
  readonly columns: readonly string[];
  readonly rows: number;
  /** rows * columns.length values, row-major. NaN means "missing". */
  readonly data: Float64Array;
  /** Per-row service name (or session entity) — detectors may group by it. */
  readonly service: readonly string[];
  /** Per-row window start, epoch milliseconds UTC (session start for sessions). */
  readonly windowStart: Float64Array;
}

/** One reason a row was scored high: a feature (or template) and how far it is from normal. */
export interface Contribution {
  readonly feature: string;
  readonly value: number;
  /** The baseline the value is compared with (median, expected count, ...). */
  readonly expected: number;
  /** Signed deviation in robust standard units where that makes sense; larger |z| = more unusual. */
  readonly z: number;
}

export interface Detector<Model, Params = Record<string, unknown>> {
  readonly name: string;
  fit(x: FeatureMatrix, params: Params): Promise<Model>;
  score(model: Model, x: FeatureMatrix): Promise<Float64Array>;
  /** Top contributions for one row, most unusual first. */
  explain(model: Model, x: FeatureMatrix, row: number, top: number): Contribution[];
  /** JSON-safe form (typed arrays as base64 or plain arrays) and back. */
  toArtifact(model: Model): unknown;
  fromArtifact(artifact: unknown): Model;
}
