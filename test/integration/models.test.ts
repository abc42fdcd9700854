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
import { run as alert } from '../../tasks/alert/command';
import { buildReport } from '../../tasks/report/command';
import type { ExplorerData } from '../../tasks/report/explorer/shape';
import { readFile } from 'node:fs/promises';

/** The parts of MLflow's runs/get answer the test reads. */
interface MlflowRun {
  info: unknown;
  data: { params: { key: string; value: string }[]; metrics: { key: string; value: number }[]; tags: { key: string; value: string }[] };
}

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
  // Drift: a third of the traffic, many new message templates and bursts, i.e. a mix the model never saw.
  await prepare(DRIFTED, { logsPerDay: 100_000, anomaliesPerDay: 40, anomalyTypes: ['new_template', 'volume_spike'] });
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
    expect(listed).toEqual([
      { version: 2, stage: 'production' },
      { version: 1, stage: 'archived' },
    ]);
    expect(await models({ action: 'rollback', lake }, step())).toMatchObject({ rolledBackFrom: 2, production: 1 });
    expect((await models({ action: 'show', lake }, step())).model?.version).toBe(1);
  }, 300_000);

  it('records --combine and --weights with the version and rejects weights of detectors it does not train', async () => {
    const weighted = await train(
      { from: NORMAL, to: NORMAL, lake, name: 'weighted', combine: 'mean', weights: 'robust_baseline=2,isolation_forest=1' },
      step(),
    );
    const shown = (await models({ action: 'show', name: 'weighted', lake }, step())).model;
    expect(shown?.version).toBe(weighted.version);
    expect(shown?.params).toMatchObject({ combine: 'mean', weights: { robust_baseline: 2, isolation_forest: 1 } });
    await expect(train({ from: NORMAL, to: NORMAL, lake, name: 'weighted', weights: 'lstm_autoencoder=1' }, step())).rejects.toThrow(
      /--weights names lstm_autoencoder, which --detectors does not include/,
    );
  }, 120_000);

  it('trains the next-event LSTM on sessions when asked, stores it with the version and scores sessions with it', async () => {
    const trained = await train({ from: NORMAL, to: NORMAL, lake, name: 'sessions', detectors: 'robust_baseline,lstm_next_event' }, step());
    const shown = (await models({ action: 'show', name: 'sessions', lake }, step())).model;
    // Naming a session detector replaces the default session set.
    expect(shown?.detectors).toEqual(['robust_baseline', 'lstm_next_event']);
    const bundle = JSON.parse(await readFile(path.join(dir, 'lake', 'models', 'sessions', `v${trained.version}`, 'model.json'), 'utf8'));
    expect(bundle.sessions.detectors[0].artifact).toMatchObject({ kind: 'lstm_next_event', history: 10 });
    expect(bundle.sessions.detectors[0].threshold).toMatchObject({ value: 0.1, source: 'auto' });
    expect(trained.thresholds).toContainEqual(expect.objectContaining({ detector: 'lstm_next_event', unit: 'session', source: 'auto' }));
    const scored = await score({ date: NORMAL, lake, name: 'sessions' }, step());
    expect(scored.sessions).toBeGreaterThan(100);
    const rows = await database.pool.query(
      `SELECT detectors, explanation FROM anomalies WHERE date = $1 AND entity_kind = 'session' AND model_name = 'sessions'`,
      [NORMAL],
    );
    for (const r of rows.rows) {
      expect(r.detectors).toEqual(['lstm_next_event']);
      expect(r.explanation.findings[0].text).toMatch(/was not among the \d+ predicted next events/);
    }
  }, 300_000);

  it('rejects an unknown detector with a clear message', async () => {
    await expect(train({ from: NORMAL, to: NORMAL, lake, detectors: 'robust_baseline,magic' }, step())).rejects.toThrow(
      /unknown detector\(s\) magic; choose from/,
    );
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

describe('HTML report', () => {
  it('embeds the monitoring metrics with their thresholds, the incidents with their alerts, and needs no network', async () => {
    await alert({ date: DRIFTED, lake }, step());
    const file = path.join(dir, 'report.html');
    await buildReport({ from: NORMAL, to: DRIFTED, lake, html: file }, step());
    const html = await readFile(file, 'utf8');
    const data = JSON.parse(html.match(/const DATA = (\{.*\});\n/)![1]) as ExplorerData;
    const metrics = data.monitoring.map((m) => m.metric);
    for (const metric of ['anomaly_rate', 'max_feature_psi', 'unseen_template_share']) expect(metrics).toContain(metric);
    expect(data.monitoring.find((m) => m.metric === 'max_feature_psi')?.threshold).toBe(0.25);
    // The drifted day's incidents are the alert step's: each one the alert step opened is linked.
    const alerted = data.incidents.filter((i) => i.alert !== null);
    expect(alerted.length).toBeGreaterThan(0);
    expect(data.anomalies.length).toBeGreaterThan(0);
    // Self-contained: no scripts, styles or images fetched from anywhere.
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  }, 120_000);
});

describe('MLflow mirror (optional)', () => {
  const trackingUri = process.env.SENTINEL_TEST_MLFLOW_URI ?? 'http://127.0.0.1:5000';
  const withTracking = (uri: string) => ({ ...step(), env: { ...process.env, MLFLOW_TRACKING_URI: uri } });

  it('logs params, metrics and model.json of each trained version to a real MLflow server', async () => {
    const trained = await train({ from: NORMAL, to: NORMAL, lake, name: 'mirror' }, withTracking(trackingUri));
    expect(trained.mlflowRunId).toMatch(/^[0-9a-f]{32}$/);
    const run = ((await (await fetch(`${trackingUri}/api/2.0/mlflow/runs/get?run_id=${trained.mlflowRunId}`)).json()) as { run: MlflowRun }).run;
    expect(run.info).toMatchObject({ status: 'FINISHED', run_name: `mirror-v${trained.version}` });
    const params = Object.fromEntries(run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]));
    expect(params).toMatchObject({ trainFrom: NORMAL, trainTo: NORMAL, detectors: 'robust_baseline,isolation_forest,rare_templates' });
    const validation = run.data.metrics.find((m: { key: string }) => m.key === 'validation');
    expect(validation?.value).toBeCloseTo(trained.validation, 6);
    const tags = Object.fromEntries(run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    expect(tags).toMatchObject({ 'sentinel.model': 'mirror', 'sentinel.version': String(trained.version), 'sentinel.stage': 'production' });
    const artifacts = (await (await fetch(`${trackingUri}/api/2.0/mlflow/artifacts/list?run_id=${trained.mlflowRunId}`)).json()) as {
      files: { path: string; file_size: number }[];
    };
    expect(artifacts.files).toEqual([expect.objectContaining({ path: 'model.json', is_dir: false })]);
    expect(artifacts.files[0].file_size).toBeGreaterThan(1000);
  }, 120_000);

  it('still trains and registers the version when MLflow is unreachable', async () => {
    // Its own name: training 'mirror' again on the same data would return the existing version.
    const trained = await train({ from: NORMAL, to: NORMAL, lake, name: 'mirror-offline' }, withTracking('http://127.0.0.1:9'));
    expect(trained).toMatchObject({ reused: false, mlflowRunId: null });
    expect((await models({ action: 'show', name: 'mirror-offline', version: trained.version, lake }, step())).model?.version).toBe(trained.version);
  }, 120_000);
});
