import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/services';

/**
 * The CLI as a user runs it (bin/sentinel.mjs from source): argument handling that only the real
 * entry shows. Issue 14 items 7 (impossible dates exit 2) and 9 (`models --version` reaches the command).
 */
const BIN = resolve(__dirname, '../../bin/sentinel.mjs');
let cwd: string;
let dbUrl: string;
let dropDb: () => Promise<void>;

function sentinel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, SENTINEL_FROM_SOURCE: '1', DATABASE_URL: dbUrl, SENTINEL_LAKE: join(cwd, 'lake'), LOG_LEVEL: 'warn' }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'sentinel-cli-'));
  ({ url: dbUrl, drop: dropDb } = await createTestDatabase());
});
afterAll(async () => {
  await dropDb?.();
  await rm(cwd, { recursive: true, force: true });
});

describe('sentinel CLI', () => {
  it.each([
    [['ingest', '--date', '2026-02-30'], /invalid --date "2026-02-30"/],
    [['generate', '--from', '2026-02-30'], /invalid --from "2026-02-30"/],
    [['generate', '--from', '0000-01-01'], /invalid --from "0000-01-01".*1970-01-01 to 9999-12-31/],
    [['generate', '--from', '9999-12-31', '--days', '2'], /past 9999-12-31/],
    // The demo wipes its own lake at each start: it refuses to be pointed at another, on either side.
    [['demo', '--lake', 'file:///tmp/someone-elses-lake'], /unknown option '--lake'/],
    [['--lake', 'file:///tmp/someone-elses-lake', 'demo'], /demo runs in its own lake .* does not take --lake/],
  ])(
    'rejects %j with exit 2',
    async (args, message) => {
      const r = await sentinel(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    },
    60_000,
  );

  it('passes models --version to the command instead of printing the program version', async () => {
    const show = await sentinel(['models', 'show', '--version', '1']);
    expect(show.stdout).not.toMatch(/^0\.1\.0/);
    expect(show.code).toBe(2);
    expect(show.stderr).toMatch(/model sentinel has no version 1/);
    const promote = await sentinel(['models', 'promote', '--version', '1']);
    expect(promote.code).toBe(2);
    expect(promote.stderr).toMatch(/version 1/);
    // --lake still works before and after the command name.
    for (const args of [
      ['--lake', join(cwd, 'other'), 'ingest', '--date', '2026-01-05'],
      ['ingest', '--date', '2026-01-05', '--lake', join(cwd, 'other')],
    ]) {
      const r = await sentinel(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no input files in file://${join(cwd, 'other')}/landing/date=2026-01-05/`);
    }
    // The program version is still there, at the top level.
    const version = await sentinel(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  }, 60_000);
});
