import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, createTestLake } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { openStore } from '../../shared/store/openStore';
import { readManifest, readPartitionAll } from '../../shared/lake';
import { bronzeLogs, goldWindows, quarantine, scoredWindows, silverLogs } from '../../shared/schemas';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';
import { run as score } from '../../tasks/score/command';
import { buildReport } from '../../tasks/report/command';

/**
 * The whole pipeline against real MinIO (S3 API) and real PostgreSQL: every step writes through the
 * same code the containers run. Generated data with labeled anomalies and some malformed lines.
 */
const DATE = '2026-03-02';
const log = createLogger('warn');
let lake: string;
let dbUrl: string;
let dropDb: () => Promise<void>;
let database: Database;
const env = () => ({ ...process.env, DATABASE_URL: dbUrl, SENTINEL_LAKE: lake });

beforeAll(async () => {
  lake = await createTestLake();
  ({ url: dbUrl, drop: dropDb } = await createTestDatabase());
  database = await openDatabase({ databaseUrl: dbUrl, embeddedDbDir: 'unused' }, log);
});
afterAll(async () => {
  await database?.close();
  await dropDb?.();
});

const step = () => ({ log, database, env: env() });

async function anomalyRows(): Promise<{ n: number; keys: number }> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const r = await c.query('SELECT count(*)::int AS n, count(DISTINCT (date, entity_kind, entity_key))::int AS keys FROM anomalies');
  await c.end();
  return r.rows[0];
}

describe('pipeline on MinIO + PostgreSQL', () => {
  it('generates, ingests with quarantine, parses, builds features, trains, scores and reports', async () => {
    // 6 services × 300k logs/day: per-service volumes of a small production system (the demo's density).
    const gen = await generate({ from: DATE, days: 1, logsPerDay: 300_000, services: 6, seed: 7, malformedRate: 0.002, lake }, step());
    expect(gen.logs).toBeGreaterThan(250_000);

    const ing = await ingest({ date: DATE, lake }, step());
    expect(ing.read).toBe(ing.written + ing.quarantined + ing.blank);
    expect(ing.quarantined).toBeGreaterThan(0);
    expect(ing.quarantineShare).toBeLessThan(0.05);
    const store = openStore(lake);
    expect((await readManifest(store, bronzeLogs, DATE))?.rows).toBe(ing.written);
    expect((await readManifest(store, quarantine, DATE))?.rows).toBe(ing.quarantined);

    const p = await parse({ date: DATE, lake }, step());
    expect(p.rows).toBe(ing.written);
    expect(p.templates).toBeGreaterThan(10);
    const f = await features({ date: DATE, lake }, step());
    expect(f.windows % 1440).toBe(0);

    const t = await train({ from: DATE, to: DATE, lake }, step());
    expect(t.version).toBe(1);
    const s = await score({ date: DATE, lake }, step());
    expect(s.anomalies).toBeGreaterThan(0);
    expect((await anomalyRows()).n).toBe(s.anomalies);

    const report = await buildReport({ from: DATE, to: DATE, lake, format: 'json' }, step());
    const e = report.summary.evaluation!;
    expect(e.precision).toBeGreaterThanOrEqual(0.8);
    expect(e.recall).toBeGreaterThanOrEqual(0.8);
  }, 300_000);

  it('a rerun of a date gives identical outputs and no duplicate rows', async () => {
    const store = openStore(lake);
    const silverBefore = await readPartitionAll(store, silverLogs, DATE);
    const goldBefore = await readPartitionAll(store, goldWindows, DATE);
    const scoredBefore = await readPartitionAll(store, scoredWindows, DATE);
    const before = await anomalyRows();

    await ingest({ date: DATE, lake }, step());
    await parse({ date: DATE, lake }, step());
    await features({ date: DATE, lake }, step());
    await score({ date: DATE, lake }, step());

    expect(await readPartitionAll(store, silverLogs, DATE)).toEqual(silverBefore);
    expect(await readPartitionAll(store, goldWindows, DATE)).toEqual(goldBefore);
    expect(await readPartitionAll(store, scoredWindows, DATE)).toEqual(scoredBefore);
    const after = await anomalyRows();
    expect(after).toEqual(before);
    expect(after.n).toBe(after.keys);
  }, 300_000);

  it('fails the partition with a clear message when too much input is malformed', async () => {
    const bad = '2026-03-03';
    await generate({ from: bad, days: 1, logsPerDay: 2_000, seed: 3, malformedRate: 0.2, lake }, step());
    await expect(ingest({ date: bad, lake, maxQuarantineShare: 0.05 }, step())).rejects.toThrow(/quarantined .* over the limit of 5\.0 %.*line \d+/);
  });
});
