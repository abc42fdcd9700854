/**
 * The contract of a session detector: it sees whole sessions (the event sequence of one request,
 * block or job) and says how unusual each is. Scores are "higher = more unusual" in the detector's
 * own units; shared/models/sessionModel turns them into verdicts with one thresholding rule:
 * - the alert rate, when the user sets one: the (1 − rate) quantile of the training scores;
 * - otherwise the detector's own statistical test (`autoThreshold`), as scikit-learn's
 *   contamination='auto' does;
 * and never below `floor`, the score a session with nothing unusual has.
 */
export interface SessionFinding {
  readonly detector: string;
  /** What was unusual, in words a person can check against the log, with the counts. */
  readonly text: string;
  /** The events the finding is about (template ids), for linking to templates and sample lines. */
  readonly events: readonly string[];
}

export type Sequences = readonly (readonly string[])[];
/**
 * Per session, each event's time (epoch ms), parallel to its sequence; absent where the lake holds
 * none (sessions written before `features` kept them). Order detectors treat equal times as no order.
 */
export type SessionTimes = readonly (ArrayLike<number> | undefined)[];

export interface SessionFitParams {
  seed: number;
  /** Start time (epoch ms) of each training session, when known: rare_events tests for bursts. */
  starts?: ArrayLike<number>;
  /** Event times of each training session, when known. */
  times?: SessionTimes;
}

export interface SessionDetector<Model = unknown> {
  readonly name: string;
  /** A raw score at or below this is a session with nothing unusual: the threshold never goes lower. */
  readonly floor: number;
  fit(training: Sequences, params: SessionFitParams): Promise<Model>;
  score(model: Model, sessions: Sequences, times?: SessionTimes): Promise<Float64Array>;
  /** The threshold of the detector's own test, from the model and its training scores. */
  autoThreshold(model: Model, trainingScores: Float64Array): number;
  /** Why one session scored high, most unusual first. */
  explain(model: Model, session: readonly string[], top: number, times?: ArrayLike<number>): Promise<SessionFinding[]>;
  /** A remark for the training summary, such as why the detector stood down on this data. */
  note?(model: Model): string | undefined;
  toArtifact(model: Model): Promise<unknown>;
  fromArtifact(artifact: unknown): Promise<Model>;
}
