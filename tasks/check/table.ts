import { textTable } from '../../shared/textTable';

/** One line of `sentinel check`. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  /** What was found, why it failed and what to do, or why it was skipped. */
  detail: string;
  ms: number;
}

/** The checks as a table: name, status, time (right-aligned), detail last (see textTable). */
export function formatChecks(checks: readonly CheckResult[]): string {
  const rows = checks.map((c) => [c.name, c.status === 'failed' ? 'FAILED' : c.status, c.status === 'skipped' ? '' : `${c.ms} ms`, c.detail]);
  return textTable(['check', 'status', 'time', 'detail'], rows, new Set([2]));
}
