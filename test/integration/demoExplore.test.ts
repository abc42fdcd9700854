import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `sentinel demo` ends with commands that explore what it made (issue 15: after the demo,
 * `models list` found nothing). They must work as printed: this runs a small demo in a fresh
 * directory, takes the printed block and runs it with bash, `npx sentinel` being this checkout's
 * bin/sentinel.mjs.
 */
const BIN = resolve(__dirname, '../../bin/sentinel.mjs');
let cwd: string;

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// The user's shell may point at a server database; the printed block must override that itself.
const env = { ...process.env, SENTINEL_FROM_SOURCE: '1', LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'sentinel-demo-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('the demo’s explore commands', () => {
  it('run as printed: models, report, alerts and the anomaly explorer of the demo’s own lake and database', async () => {
    const demo = await run(process.execPath, [BIN, 'demo', '--logs', '80000'], { ...env, DATABASE_URL: undefined });
    expect(demo.code, demo.stderr).toBe(0);
    const block = demo.stdout.slice(demo.stdout.indexOf('Explore what the demo made'));
    const commands = block
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('  '))
      .map((l) => l.replace(/\s+# .*$/, '').trim());
    expect(commands.length).toBeGreaterThanOrEqual(5);
    const script = ['set -euo pipefail', `npx() { shift; node ${JSON.stringify(BIN)} "$@"; }`, ...commands].join('\n');
    const out = await run('bash', ['-c', script], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^name\s+version\s+stage/m);
    expect(out.stdout).toMatch(/^sentinel\s+1\s+production/m);
    expect(out.stdout).toContain('log-sentinel report');
    expect(out.stdout).toMatch(/"alerts":\[\{"id":1/);
    expect((await stat(join(cwd, '.sentinel/demo/report.html'))).size).toBeGreaterThan(1_000_000);
  }, 300_000);
});
