import { existsSync, writeFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { exitCodeOf, EXIT, SentinelError } from '../shared/errors';

/** What the whole CLI (cli.ts) and a one-command entry (templatesCli.ts) share: the lake flag, a step's run, the exit on failure. */
export const LAKE_FLAGS = '--lake <uri>';
export const LAKE_HELP = 'lake URI: file://path or s3://bucket/prefix (env SENTINEL_LAKE; default file://./.sentinel/lake)';

/** Runs a command's step module with the command's options; its result is one JSON line last on stdout (Airflow's DockerOperator pushes it to XCom). */
export async function runCommand(
  run: (opts: Record<string, unknown>) => Promise<unknown>,
  cmd: { optsWithGlobals(): Record<string, unknown>; args: string[] },
): Promise<void> {
  const opts = { ...cmd.optsWithGlobals(), ...(cmd.args.length ? { args: cmd.args } : {}) };
  const result = await run(opts);
  if (result !== undefined && !(opts as { quiet?: boolean }).quiet) process.stdout.write(JSON.stringify(result) + '\n');
}

/** The message on stderr (and in a pod's termination log), the exit code by the error's kind. The only exit path of a failed command. */
export function reportFailure(err: unknown): void {
  if (err instanceof CommanderError) {
    // Commander has printed the message (or the help/version) already.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`sentinel: ${message}\n`);
  // In a Kubernetes pod the same line becomes the container's termination message, shown in the task's failure.
  if (existsSync('/dev/termination-log'))
    try {
      writeFileSync('/dev/termination-log', message);
    } catch {
      /* read-only: logs have it */
    }
  if (!(err instanceof SentinelError) && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exitCode = exitCodeOf(err);
}
