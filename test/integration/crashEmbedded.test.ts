import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { openDatabase } from '../../shared/db/database';
import { openStore } from '../../shared/store/openStore';
import { readManifest, readPartitionAll } from '../../shared/lake';
import { scoredWindows } from '../../shared/schemas';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';
import { run as score } from '../../tasks/score/command';

/**
 * The embedded defaults (a local lake and PGlite) under SIGKILL, where the database matters: a
 * train killed inside its registry transaction, and a score killed right after its database
 * commit. The embedded database must open again (the dead process's lock is taken over, nothing
 * is corrupted), the rerun registers one version, and the anomalies match the scored windows.
 * The crash points and the full matrix on MinIO + PostgreSQL: crashInjection.test.ts.
 */
const DATE = '2026-03-14';
const BIN = resolve(__dirname, '../../bin/sentinel.mjs');
const log = createLogger('silent');
let dir: string;
let env: NodeJS.ProcessEnv;

function crashRun(args: string[], point: string): Promise<{ signal: string | null; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...env, SENTINEL_FROM_SOURCE: '1', SENTINEL_FAULT_INJECT: point }, timeout: 300_000 },
      (_e, _o, stderr) => done({ signal: child.signalCode, stderr }),
    );
  });
}

async function query<T>(sql: string): Promise<T[]> {
  const db = await openDatabase({ embeddedDbDir: env.SENTINEL_EMBEDDED_DB_DIR!, lockWaitMs: 5_000 }, log);
  try {
    return (await db.pool.query(sql)).rows as T[];
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-crash-embedded-'));
  env = { ...process.env, SENTINEL_LAKE: join(dir, 'lake'), SENTINEL_EMBEDDED_DB_DIR: join(dir, 'pgdata'), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const step = { log, env };
  await generate({ from: DATE, days: 1, logsPerDay: 3_000, services: 3, seed: 13 }, step);
  await ingest({ date: DATE }, step);
  await parse({ date: DATE }, step);
  await features({ date: DATE }, step);
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crash injection on the embedded defaults', () => {
  it('train killed inside its registry transaction: the database opens again and the rerun registers one version', async () => {
    const killed = await crashRun(['train', '--from', DATE, '--to', DATE], 'train:after-artifact');
    expect({ signal: killed.signal, stderr: killed.signal ? '' : killed.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    // The killed process's lock file is left behind; its pid is dead, so the next opener takes it over.
    expect(existsSync(`${env.SENTINEL_EMBEDDED_DB_DIR}.lock`)).toBe(true);
    expect(await query('SELECT version FROM models')).toEqual([]);
    const rerun = await train({ from: DATE, to: DATE }, { log, env });
    expect(rerun).toMatchObject({ version: 1, reused: false });
    expect(await query<{ version: number; stage: string }>('SELECT version, stage FROM models')).toEqual([{ version: 1, stage: 'production' }]);
  }, 600_000);

  it('score killed right after its database commit: the rerun leaves exactly the anomalies of the scored windows', async () => {
    const killed = await crashRun(['score', '--date', DATE], 'db:anomalies:after-commit');
    expect({ signal: killed.signal, stderr: killed.signal ? '' : killed.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const rerun = await score({ date: DATE }, { log, env });
    const store = openStore(env.SENTINEL_LAKE!);
    const scored = await readPartitionAll(store, scoredWindows, DATE);
    const anomalous = (scored.columns.anomalous as (boolean | null)[]).filter((a) => a === true).length;
    expect(rerun.anomalies).toBe(anomalous);
    const rows = await query<{ n: number; keys: number }>('SELECT count(*)::int AS n, count(DISTINCT (entity_kind, entity_key))::int AS keys FROM anomalies');
    expect(rows).toEqual([{ n: anomalous, keys: anomalous }]);
    expect((await readManifest(store, scoredWindows, DATE))?.runId).toBe(rerun.runId);
  }, 600_000);
});
