/**
 * The few error classes every step throws. Only the CLI entry (tasks/cli.ts) turns them into exit
 * codes, so cores stay testable and a container's exit status tells Airflow what kind of failure it was.
 */
export const EXIT = {
  ok: 0,
  internal: 1,
  badInput: 2,
  externalService: 3,
  qualityGate: 4,
  /** `monitor --gate`: retraining is not recommended (Airflow's skip_on_exit_code skips the retrain trigger). */
  gateClosed: 99,
} as const;

export class SentinelError extends Error {
  readonly exitCode: number = EXIT.internal;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input (args, a file, a record) is wrong; the message says which and what to do. */
export class BadInputError extends SentinelError {
  override readonly exitCode = EXIT.badInput;
}

/** S3, PostgreSQL, a webhook... did not answer as expected. Retrying may help. */
export class ExternalServiceError extends SentinelError {
  override readonly exitCode = EXIT.externalService;
}

/** Another run committed the same lake partition first (compare-and-swap lost); a retry reruns the step on top of it. */
export class CommitConflictError extends ExternalServiceError {}

/**
 * The outputs of one step run that a reader needs together do not belong to the same run: the step
 * stopped between its commits. Exit 3, so Airflow retries; rerunning the named step heals it.
 */
export class InconsistentCommitError extends ExternalServiceError {}

/** The data passed through but failed a configured quality limit (e.g. too much quarantined). */
export class QualityGateError extends SentinelError {
  override readonly exitCode = EXIT.qualityGate;
}

/** Not a failure: a gate that decided "nothing to do"; its own exit code lets the DAG skip downstream tasks. */
export class GateClosedError extends SentinelError {
  override readonly exitCode = EXIT.gateClosed;
}

export function exitCodeOf(err: unknown): number {
  return err instanceof SentinelError ? err.exitCode : EXIT.internal;
}
