/**
 * The named points where a step can be killed for the crash-injection test
 * (test/integration/crashInjection.test.ts), per step of the daily pipeline, in the order the test
 * kills them (the first on a lake and database without the step's outputs). With `SENTINEL_FAULT_INJECT=<point>` a process kills itself with SIGKILL at that
 * point (shared/faultInjection.ts): no `finally`, no flush, no rollback, as an OOM kill or a lost
 * node would. The test iterates over this list, so a point added here is tested.
 *
 * - `lake:<table>:part`: the first data part of a partition is stored, nothing committed.
 * - `lake:<table>:before-commit`: every part stored, the manifest not written.
 * - `lake:<table>:after-commit`: the manifest swapped, before the step's next output (between commits).
 * - `db:<what>:after-commit`: a database transaction committed, before the step's next output.
 * - others name their step's own window (see where `crashPoint` is called with them).
 *
 * No imports: shared/config.ts validates the setting against this list.
 */
export const CRASH_POINTS = {
  ingest: ['lake:bronze/logs:part', 'lake:bronze/quarantine:before-commit', 'lake:bronze/quarantine:after-commit', 'lake:bronze/logs:after-commit'],
  parse: ['lake:silver/logs:part', 'templates:after-miner', 'templates:after-marker', 'lake:silver/logs:after-commit'],
  features: [
    'lake:gold/sessions:part',
    'lake:gold/sessions:after-commit',
    'lake:gold/window_templates:after-commit',
    'lake:gold/windows:before-commit',
    'lake:gold/windows:after-commit',
  ],
  // Reached only when no version has the same fingerprint (else train returns it and trains nothing).
  train: ['train:after-artifact', 'train:after-registry'],
  score: ['lake:scored/windows:part', 'lake:scored/windows:after-commit', 'db:anomalies:after-commit'],
  // A delivery point is reached only while something is left to deliver: first, on a fresh database.
  alert: ['alert:after-first-delivery', 'db:alerts:after-commit', 'db:auto-resolve:after-commit'],
  monitor: ['db:model-metrics:after-commit', 'monitor:after-summary'],
  report: ['report:after-read', 'report:html-before-rename'],
} as const;

export type CrashStep = keyof typeof CRASH_POINTS;
export type CrashPoint = (typeof CRASH_POINTS)[CrashStep][number];

export const ALL_CRASH_POINTS: readonly CrashPoint[] = Object.values(CRASH_POINTS).flat();
