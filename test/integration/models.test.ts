import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { GateClosedError } from '../../shared/errors';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';
import { run as score } from '../../tasks/score/command';
import { run as monitor } from '../../tasks/monitor/command';
import { run as models } from '../../tasks/models/command';

/**
 * The model registry and monitoring against real PostgreSQL (the lake is a local directory here;
 * S3 is covered by pipeline.test.ts): promotion rule, rejection of a worse candidate, manual promote
 * and rollback, and the retrain recommendation on a day with generated drift.
 */
const log = createLogger('warn');
const NORMAL = '2026-04-06';
const DRIFTED = '2026-04-07';
let dir: string;
let lake: string;
let database: Database;
let drop: () => Promise<void>;
const step = () => ({ log, database });

async function prepare(date: string, extra: Record<string, unknown>) {
  await generate({ from: date, days: 1, services: 6, seed: 11, lake, ...extra }, step());
  await ingest({ date, lake }, step());
  await parse({ date, lake }, step());
  await features({ date, lake }, step());
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentinel-models-'));
  lake = `file://${dir}/lake`;
  const db = await createTestDatabase();
  drop = db.drop;
  database = await openDatabase({ databaseUrl: db.url, embeddedDbDir: 'unused' }, log);
  await prepare(NORMAL, { logsPerDay: 300_000 });
  // Drift: many new message templates and bursts of traffic, i.e. a shifted mix the model never saw.
  await prepare(DRIFTED, { logsPerDay: 300_000, anomaliesPerDay: 40, anomalyTypes: ['new_template', 'volume_spike'] });
}, 300_000);

afterAll(async () => {
  await database?.close();
  await drop?.();
  await rm(dir, { recursive: true, force: true });
});

describe('model registry', () => {
  it('promotes the first candidate, rejects a worse one, and supports promote and rollback by hand', async () => {
    const first = await train({ from: NORMAL, to: NORMAL, lake }, step());
    expect(first).toMatchObject({ version: 1, promoted: true });
    // Rare templates alone miss volume, error and latency incidents: lower F1 on the validation day.
    const worse = await train({ from: NORMAL, to: NORMAL, lake, detectors: 'rare_templates' }, step());
    expect(worse.version).toBe(2);
    expect(worse.promoted).toBe(false);
    expect(worse.reason).toMatch(/worse than production .* production kept/);
    expect((await models({ action: 'show', lake }, step())).model).toMatchObject({ version: 1, stage: 'production' });

    expect(await models({ action: 'promote', version: 2, lake }, step())).toMatchObject({ promoted: 2 });
    const listed = (await models({ action: 'list', json: true, lake }, step())).models;
    expect(listed).toEqual([{ version: 2, stage: 'production' }, { version: 1, stage: 'archived' }]);
    expect(await models({ action: 'rollback', lake }, step())).toMatchObject({ rolledBackFrom: 2, production: 1 });
    expect((await models({ action: 'show', lake }, step())).model?.version).toBe(1);
  }, 300_000);

  it('rejects an unknown detector with a clear message', async () => {
    await expect(train({ from: NORMAL, to: NORMAL, lake, detectors: 'robust_baseline,magic' }, step())).rejects.toThrow(/unknown detector\(s\) magic; choose from/);
  });
});

describe('monitor', () => {
  it('recommends no retraining on the training day and retraining on a drifted day, with reasons', async () => {
    await score({ date: NORMAL, lake }, step());
    const calm = await monitor({ date: NORMAL, lake }, step());
    expect(calm.retrain).toBe(false);
    await expect(monitor({ date: NORMAL, lake, gate: true }, step())).rejects.toBeInstanceOf(GateClosedError);

    await score({ date: DRIFTED, lake }, step());
    const drifted = await monitor({ date: DRIFTED, lake }, step());
    expect(drifted.retrain).toBe(true);
    expect(drifted.reasons.join('\n')).toMatch(/templates unknown to the model|anomaly rate|drift/);
    expect(await monitor({ date: DRIFTED, lake, gate: true }, step())).toMatchObject({ retrain: true });

    // One row per metric and date: a rerun replaces, never duplicates.
    await monitor({ date: DRIFTED, lake }, step());
    const rows = await database.pool.query(`SELECT metric, count(*)::int AS n FROM model_metrics WHERE date = $1 GROUP BY metric`, [DRIFTED]);
    expect(rows.rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.rows.every((r) => r.n === 1)).toBe(true);
  }, 300_000);
});
