import { loadProcessConfig } from './config';
import type { CrashPoint } from './crashPoints';

/**
 * Test-only fault injection: when `SENTINEL_FAULT_INJECT` names this point (shared/crashPoints.ts
 * lists them), the process kills itself with SIGKILL here, so a crash lands exactly between two
 * writes rather than at a random time. Unset (always, outside the crash test) it is one comparison.
 * `lake:<table>:…` points are built from the table's path by shared/lake.ts.
 */
let armed: { point?: string } | undefined;

export function crashPoint(point: CrashPoint | `lake:${string}:${'part' | 'before-commit' | 'after-commit'}`): void {
  armed ??= { point: loadProcessConfig().faultInject };
  if (armed.point === point) process.kill(process.pid, 'SIGKILL');
}
