/** One line of `sentinel check`. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  /** What was found, why it failed and what to do, or why it was skipped. */
  detail: string;
  ms: number;
}

/** The checks as a table: name, status, time, detail (last, so a long one never shifts a column). */
export function formatChecks(checks: readonly CheckResult[]): string {
  const rows = checks.map((c) => [c.name, c.status === 'failed' ? 'FAILED' : c.status, c.status === 'skipped' ? '' : `${c.ms} ms`, c.detail]);
  const head = ['check', 'status', 'time', 'detail'];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (j === cells.length - 1 ? c : j === 2 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
