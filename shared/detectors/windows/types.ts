/**
 * The contract of a window detector: it sees the Gold windows of a service (the feature matrix and
 * each window's template counts) and says how unusual each window is, in its own units ("higher =
 * more unusual"). shared/models/bundle calibrates the raw scores: threshold = the alert-rate
 * quantile of the training scores, never below `floor`.
 */
import type { Contribution, FeatureMatrix } from '../types';

export interface WindowInput {
  /** Every window feature column; a detector picks its own with `columns`. */
  matrix: FeatureMatrix;
  /** Per matrix row: template id → count. */
  templates: ReadonlyMap<string, number>[];
}

/** One scoring pass: raw scores, and the explanation of any row of that pass. */
export interface WindowScores {
  scores: Float64Array;
  explain(row: number, top: number): Contribution[];
}

export interface WindowFitContext {
  seed: number;
  /** The alert rate the window thresholds use (detectors that need a contamination take it). */
  alertRate: number;
  progress: (line: string) => void;
  /**
   * Work that depends only on the input windows, shared by the detectors of one bundle fit (the
   * window baseline and the forest's scaler fit the same columns): see RobustFitCache.
   */
  shared?: Map<string, unknown>;
}

/** What a scoring pass may reuse: the bundle passes its fit's `shared` when it scores the training windows. */
export interface WindowScoreContext {
  shared?: Map<string, unknown>;
}

export interface WindowDetector<Model = unknown> {
  readonly name: string;
  /** A raw score below this never fires, whatever the alert rate: a quiet day raises nothing. */
  readonly floor: number;
  /** Raw distance above the threshold that maps to severity 100 (default: the threshold itself). */
  readonly severitySpan?: number;
  /** Scores pass the bundle's 3-window median filter (one noisy minute does not fire). */
  readonly persistent: boolean;
  /** The window feature columns it reads. */
  columns(all: readonly string[]): readonly string[];
  fit(input: WindowInput, context: WindowFitContext): Promise<Model>;
  score(model: Model, input: WindowInput, context?: WindowScoreContext): Promise<WindowScores>;
  toArtifact(model: Model): Promise<unknown>;
  fromArtifact(artifact: unknown): Promise<Model>;
}
