/** Running the built CLI from benchmarks, on a throwaway embedded lake and database. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Runs the built CLI; returns its last stdout line (the JSON result). */
export function cli(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const out = spawnSync('node', ['bin/sentinel.mjs', ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`sentinel ${args.join(' ')} exited ${out.status}: ${out.stderr.slice(-1500)}`);
  return out.stdout.trim().split('\n').pop() ?? '';
}

/** The environment of a step on a lake and embedded database under `dir` (no PostgreSQL URL). */
export function embeddedEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SENTINEL_LAKE: `file://${dir}/lake`, SENTINEL_EMBEDDED_DB_DIR: `${dir}/pg`, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  return env;
}

/** The Python of `.venv-bench` with the pinned peers (infra/scripts/bench-venv.sh, cached); undefined when it cannot be made. */
export function benchPython(): string | undefined {
  const python = '.venv-bench/bin/python';
  return spawnSync('infra/scripts/bench-venv.sh', { stdio: 'inherit' }).status === 0 && existsSync(python) ? python : undefined;
}
