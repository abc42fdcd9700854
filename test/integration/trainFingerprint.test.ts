import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestLake } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { listModels } from '../../shared/db/models';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';

/**
 * Issue 14 item 13, on MinIO + PostgreSQL: the data fingerprint hashes content, not run ids, so
 * rerunning `train` on the same data and params (even after `features` was rerun) returns the
 * existing version instead of registering another one.
 */
const DATE = '2026-03-09';
const log = createLogger('warn');
let lake: string;
let database: Database;
let drop: () => Promise<void>;
const step = () => ({ log, database });

beforeAll(async () => {
  lake = await createTestLake();
  const db = await createTestDatabase();
  drop = db.drop;
  database = await openDatabase({ databaseUrl: db.url, embeddedDbDir: 'unused' }, log);
  await generate({ from: DATE, days: 1, services: 3, logsPerDay: 20_000, seed: 5, lake }, step());
  await ingest({ date: DATE, lake }, step());
  await parse({ date: DATE, lake }, step());
  await features({ date: DATE, lake }, step());
}, 180_000);
afterAll(async () => {
  await database?.close();
  await drop?.();
});

describe('train fingerprint', () => {
  it('returns the existing version for the same data and params, and trains again when either changes', async () => {
    const opts = { from: DATE, to: DATE, lake, name: 'fp', detectors: 'robust_baseline' };
    const first = await train(opts, step());
    expect(first.version).toBe(1);
    const again = await train(opts, step());
    expect(again).toMatchObject({ version: 1, reused: true });

    // A rerun of features writes the same content under a new run id.
    await features({ date: DATE, lake }, step());
    expect(await train(opts, step())).toMatchObject({ version: 1, reused: true });

    const otherParams = await train({ ...opts, seed: 99 }, step());
    expect(otherParams.version).toBe(2);
    expect((await listModels(database.pool, 'fp')).map((m) => m.version)).toEqual([2, 1]);
    const fingerprints = (await listModels(database.pool, 'fp')).map((m) => m.data_fingerprint);
    expect(new Set(fingerprints).size).toBe(2);
  }, 300_000);
});
