import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/services';

/**
 * The CLI as a user runs it (bin/sentinel.mjs from source): argument handling that only the real
 * entry shows. Issue 14 item 7: impossible dates exit 2.
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
  ])('rejects %j with exit 2', async (args, message) => {
    const r = await sentinel(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }, 60_000);
});
