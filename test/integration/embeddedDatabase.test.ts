import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { listAnomalies, replaceAnomalies, type AnomalyRow } from '../../shared/db/anomalies';
import { EXIT, exitCodeOf } from '../../shared/errors';

/**
 * Issue 14 item 1, on the embedded database (PGlite): one writer process at a time, a failed open
 * exits 3 within seconds, and the ON CONFLICT batch never holds one key twice.
 */
const log = createLogger('silent');
let root: string;
let dir: string;
let db: Database;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sentinel-embedded-'));
  dir = join(root, 'pgdata');
  db = await openDatabase({ embeddedDbDir: dir }, log);
}, 60_000);
afterAll(async () => {
  await db?.close();
  await rm(root, { recursive: true, force: true });
});

const row = (key: string, score: number): AnomalyRow => ({
  date: '2026-03-02',
  entity_kind: 'window',
  entity_key: key,
  service: 's',
  window_start: 0,
  window_end: 60_000,
  score,
  severity: 50,
  detectors: ['d'],
  anomaly_type: null,
  explanation: {},
  model_name: 'm',
  model_version: 1,
});

/** The CLI on an embedded database in `dbDir`; killed after 30 s, so a hang fails the test. */
function sentinelCli(args: string[], dbDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SENTINEL_FROM_SOURCE: '1', SENTINEL_EMBEDDED_DB_DIR: dbDir, LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [resolve(__dirname, '../../bin/sentinel.mjs'), ...args], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('embedded database', () => {
  it("runs with a small buffer pool, not initdb's 128 MB held by every step process (decision 90)", async () => {
    expect((await db.pool.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
  });

  it('admits one writer: a second open says which pid holds it, within seconds', async () => {
    const started = Date.now();
    const err = await openDatabase({ embeddedDbDir: dir, lockWaitMs: 500 }, log).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(new RegExp(`in use by pid ${process.pid}`));
    expect(Date.now() - started).toBeLessThan(5_000);
    // The first holder still works.
    expect((await db.pool.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
  });

  it("refuses a second process with exit 3 and the holder's pid", async () => {
    const started = Date.now();
    const r = sentinelCli(['models', 'list', '--lake', join(root, 'lake')], dir);
    expect(r.status).toBe(EXIT.externalService);
    expect(r.stderr).toMatch(new RegExp(`in use by pid ${process.pid}`));
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('dedupes the upsert batch: the last row of a key wins', async () => {
    const client = await db.pool.connect();
    try {
      await replaceAnomalies(client, '2026-03-02', ['window'], [row('a', 1), row('b', 2), row('a', 3)]);
    } finally {
      client.release();
    }
    const rows = await listAnomalies(db.pool, '2026-03-02', '2026-03-02');
    expect(rows.map((r) => [r.entity_key, r.score]).sort()).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('takes over the lock of a dead process, and a damaged data dir exits 3 within seconds', async () => {
    const other = join(root, 'damaged');
    const second = await openDatabase({ embeddedDbDir: other }, log);
    await second.close();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await writeFile(`${other}.lock`, `${dead}\n`);
    await writeFile(join(other, 'global', 'pg_control'), 'garbage');
    const started = Date.now();
    const err = await openDatabase({ embeddedDbDir: other }, log).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(/cannot open the embedded database/);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The process exits too, instead of hanging on what PGlite left behind.
    const cli = sentinelCli(['models', 'list', '--lake', join(root, 'lake')], other);
    expect(cli.status).toBe(EXIT.externalService);
    expect(cli.stderr).toMatch(/cannot open the embedded database/);
  }, 60_000);
});
