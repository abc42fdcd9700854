import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestLake } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { openStore } from '../../shared/store/openStore';
import { getJson, type ObjectStore } from '../../shared/store/objectStore';
import { readManifest, readPartitionAll } from '../../shared/lake';
import type { TableSpec } from '../../shared/parquet';
import { bronzeLogs, goldSessions, goldWindows, goldWindowTemplates, quarantine, scoredWindows, silverLogs } from '../../shared/schemas';
import { CRASH_POINTS, type CrashStep } from '../../shared/crashPoints';
import { snapshotRunId } from '../../shared/templateStore';
import { loadWindowData, readSessionParts } from '../../shared/models/trainingData';
import { trainingFingerprint } from '../../shared/trainingFingerprint';
import { summaryKey } from '../../tasks/monitor/command';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';
import { run as score } from '../../tasks/score/command';
import { run as alert } from '../../tasks/alert/command';
import { run as monitor } from '../../tasks/monitor/command';
import { buildReport } from '../../tasks/report/command';

/**
 * Issue 14, "Done when": every step of the daily pipeline is killed (SIGKILL, from inside, at a
 * named point: shared/crashPoints.ts) at each of its crash points, including between its commits,
 * then rerun. After each rerun its outputs equal those of a clean run on another lake and database,
 * and the counts add up. Where a crash leaves a multi-output set mixed, the step that reads it
 * refuses it. Real CLI processes, MinIO and PostgreSQL; a local lake with the embedded database
 * for the window that matters there (a kill inside a transaction).
 */
const DATE = '2026-03-12';
const BIN = resolve(__dirname, '../../bin/sentinel.mjs');
const log = createLogger('silent');

interface Target {
  name: string;
  lake: string;
  store: ObjectStore;
  dbUrl: string;
  drop: () => Promise<void>;
  database: Database;
  html: string;
  webhook: string;
}
let clean: Target;
let crashed: Target;
let workDir: string;
let server: Server;
/** Idempotency keys each target's webhook received (with repeats: delivery is at least once). */
const received = new Map<string, string[]>();

async function target(name: string, port: number): Promise<Target> {
  const lake = await createTestLake();
  const { url, drop } = await createTestDatabase();
  const database = await openDatabase({ databaseUrl: url, embeddedDbDir: 'unused' }, log);
  received.set(name, []);
  return { name, lake, store: openStore(lake), dbUrl: url, drop, database, html: join(workDir, `${name}.html`), webhook: `http://127.0.0.1:${port}/${name}` };
}

const stepEnv = (t: Target) => ({ ...process.env, DATABASE_URL: t.dbUrl, SENTINEL_LAKE: t.lake, SENTINEL_WEBHOOK_URL: t.webhook, LOG_LEVEL: 'warn' });

/** The CLI arguments of each step, as the daily DAG passes them. */
const ARGS: Record<CrashStep, (t: Target) => string[]> = {
  ingest: () => ['ingest', '--date', DATE],
  parse: () => ['parse', '--date', DATE],
  features: () => ['features', '--date', DATE],
  train: () => ['train', '--from', DATE, '--to', DATE],
  score: () => ['score', '--date', DATE],
  alert: () => ['alert', '--date', DATE],
  monitor: () => ['monitor', '--date', DATE],
  report: (t) => ['report', '--from', DATE, '--to', DATE, '--format', 'json', '--html', t.html],
};

/** The same step in this process (a clean run, or the rerun after a crash). */
async function runStep(step: CrashStep, t: Target): Promise<unknown> {
  const s = { log, database: t.database, env: stepEnv(t) };
  const lake = t.lake;
  switch (step) {
    case 'ingest':
      return ingest({ date: DATE, lake }, s);
    case 'parse':
      return parse({ date: DATE, lake }, s);
    case 'features':
      return features({ date: DATE, lake }, s);
    case 'train':
      return train({ from: DATE, to: DATE, lake }, s);
    case 'score':
      return score({ date: DATE, lake }, s);
    case 'alert':
      return alert({ date: DATE, lake }, s);
    case 'monitor':
      return monitor({ date: DATE, lake }, s);
    case 'report':
      return (await buildReport({ from: DATE, to: DATE, lake, format: 'json', html: t.html }, s)).summary;
  }
}

/** The real CLI with the fault armed: it must die by SIGKILL at that point. */
function crashRun(
  step: CrashStep,
  t: Target,
  point: string,
  extraArgs: string[] = [],
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...ARGS[step](t), ...extraArgs],
      { env: { ...stepEnv(t), SENTINEL_FROM_SOURCE: '1', SENTINEL_FAULT_INJECT: point }, timeout: 300_000 },
      (_err, _stdout, stderr) => done({ code: child.exitCode, signal: child.signalCode, stderr }),
    );
  });
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A partition by content: rows, each part's rows and sha256, the step's counts (not run ids or times). */
async function partition(store: ObjectStore, spec: TableSpec) {
  const m = await readManifest(store, spec, DATE);
  if (!m) throw new Error(`${spec.path} has no committed partition for ${DATE}`);
  return { rows: m.rows, parts: m.files.map((f) => [f.rows, f.sha256]), extra: m.extra ?? null };
}

async function query<T = Record<string, unknown>>(t: Target, sql: string): Promise<T[]> {
  return (await t.database.pool.query(sql)).rows as T[];
}

/** What each step leaves behind, by content, with the checks that its counts add up. */
async function outputs(step: CrashStep, t: Target): Promise<unknown> {
  const store = t.store;
  switch (step) {
    case 'ingest': {
      const bronze = await partition(store, bronzeLogs);
      const q = await partition(store, quarantine);
      const counts = (bronze.extra as { counts: { read: number; written: number; quarantined: number; blank: number } }).counts;
      expect(counts.read).toBe(counts.written + counts.quarantined + counts.blank);
      expect(bronze.rows).toBe(counts.written);
      expect(q.rows).toBe(counts.quarantined);
      return { bronze, quarantine: q };
    }
    case 'parse': {
      const silver = await partition(store, silverLogs);
      expect(silver.rows).toBe((await readManifest(store, bronzeLogs, DATE))?.rows);
      const snapshot = await Promise.all(['miner.json', 'first_seen.json'].map(async (f) => sha(await store.get(`state/templates/date=${DATE}/${f}`))));
      return { silver, snapshot };
    }
    case 'features': {
      const windows = await partition(store, goldWindows);
      const events = (windows.extra as { events: number }).events;
      expect(events).toBe((await readManifest(store, silverLogs, DATE))?.rows);
      const counts = (await readPartitionAll(store, goldWindows, DATE)).columns.count as Float64Array;
      expect(counts.reduce((s, c) => s + c, 0)).toBe(events);
      return { windows, windowTemplates: await partition(store, goldWindowTemplates), sessions: await partition(store, goldSessions) };
    }
    case 'train': {
      const models = await query(
        t,
        'SELECT name, version, stage, detectors, params, data_fingerprint, train_from::text, train_to::text, note FROM models ORDER BY version',
      );
      expect(models.map((m) => m.version)).toEqual([1]);
      return { models, artifact: sha(await store.get('models/sentinel/v1/model.json')) };
    }
    case 'score': {
      const scored = await partition(store, scoredWindows);
      const s = await readPartitionAll(store, scoredWindows, DATE);
      const gold = await Promise.all([goldWindows, goldSessions].map(async (spec) => (await readManifest(store, spec, DATE))?.rows ?? 0));
      expect(scored.rows).toBe(gold[0] + gold[1]);
      const anomalies = await query(
        t,
        `SELECT date::text, entity_kind, entity_key, service, window_start, window_end, score, severity, detectors, anomaly_type, explanation, model_name, model_version
         FROM anomalies ORDER BY entity_kind, entity_key`,
      );
      expect(anomalies.length).toBe((s.columns.anomalous as (boolean | null)[]).filter((a) => a === true).length);
      return { scored, anomalies };
    }
    case 'alert': {
      const alerts = await query(
        t,
        `SELECT dedup_key, service, anomaly_type, first_seen, last_seen, severity, anomaly_count, summary, details, status, opened_at, resolved_at, resolved_reason
         FROM alerts ORDER BY dedup_key, first_seen`,
      );
      const deliveries = await query<{ id: string; channel: string; revision: Date; status: string }>(
        t,
        `SELECT a.id, a.dedup_key, a.first_seen, d.channel, d.revision, d.status FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
         ORDER BY a.dedup_key, a.first_seen, d.channel`,
      );
      // At least once: every delivered row reached the receiver, under its idempotency key.
      const keys = new Set(received.get(t.name));
      const delivered = deliveries.filter((d) => d.status === 'delivered');
      expect(delivered.length).toBeGreaterThan(0);
      expect(new Set(delivered.map((d) => `${d.id}:${d.channel}:${d.revision.toISOString()}`))).toEqual(keys);
      return { alerts, deliveries: deliveries.map(({ id: _id, ...d }) => d) };
    }
    case 'monitor': {
      const metrics = await query(t, 'SELECT date::text, model_name, model_version, metric, value, details FROM model_metrics ORDER BY metric');
      const summary = await getJson<{ retrain: boolean }>(store, summaryKey(DATE));
      expect(metrics.find((m) => m.metric === 'retrain_recommended')?.value).toBe(summary?.retrain ? 1 : 0);
      return { metrics, summary };
    }
    case 'report': {
      // The page only, never a temp file beside it (a crash before the rename leaves its own temp).
      const html = await readFile(t.html, 'utf8');
      expect(html).toMatch(/<\/html>\s*$/);
      // Alert ids are the database's own (an upsert that conflicts still draws one): not content.
      return { html: sha(html.replace(/<tr><td>\d+<\/td>/g, '<tr><td>#</td>')) };
    }
  }
}

/**
 * Mixed multi-output sets a crash can leave: the step's main output and a secondary one written by
 * different runs (every output of one run carries its run id). Independent of the companions
 * mechanism, so it also catches a step that commits its outputs separately.
 */
async function mixed(step: CrashStep, t: Target): Promise<boolean> {
  const store = t.store;
  if (step === 'ingest') {
    const bronze = await readManifest(store, bronzeLogs, DATE);
    return !!bronze && bronze.runId !== (await readManifest(store, quarantine, DATE))?.runId;
  }
  if (step === 'parse') {
    const silver = await readManifest(store, silverLogs, DATE);
    return !!silver && silver.runId !== (await snapshotRunId(store, DATE));
  }
  if (step === 'features') {
    const windows = await readManifest(store, goldWindows, DATE);
    const others = await Promise.all([readManifest(store, goldWindowTemplates, DATE), readManifest(store, goldSessions, DATE)]);
    return !!windows && others.some((m) => m?.runId !== windows.runId);
  }
  return false;
}

/** Each reader of a mixed set refuses it, naming the step to rerun; none writes anything first. */
async function expectReadersRefuse(step: CrashStep, t: Target): Promise<void> {
  const refusal = new RegExp(`stopped between its commits\\. Rerun ${step} for ${DATE}`);
  const s = { log, database: t.database, env: stepEnv(t) };
  if (step === 'ingest') await expect(parse({ date: DATE, lake: t.lake }, s)).rejects.toThrow(refusal);
  if (step === 'parse') await expect(features({ date: DATE, lake: t.lake }, s)).rejects.toThrow(refusal);
  if (step === 'features') {
    // train checks the whole set first; score and monitor read windows with their templates, and sessions.
    await expect(trainingFingerprint(t.store, [DATE], {})).rejects.toThrow(refusal);
    // Which companion is mixed is decided first: a reader's promise is made only when awaited at once.
    const [windows, templates, sessions] = await Promise.all([goldWindows, goldWindowTemplates, goldSessions].map((spec) => readManifest(t.store, spec, DATE)));
    const readWindows = () => loadWindowData(t.store, [DATE], ['count']);
    if (windows?.runId !== templates?.runId) await expect(readWindows()).rejects.toThrow(refusal);
    else await readWindows();
    const readSessions = async () => {
      for await (const _ of readSessionParts(t.store, DATE));
    };
    if (windows?.runId !== sessions?.runId) await expect(readSessions()).rejects.toThrow(refusal);
    else await readSessions();
  }
}

const STEPS = Object.keys(CRASH_POINTS) as CrashStep[];
const expected = new Map<CrashStep, unknown>();
const mixedSeen = new Set<CrashStep>();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'sentinel-crash-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.get(req.url!.slice(1))?.push((JSON.parse(body) as { idempotency_key: string }).idempotency_key);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  [clean, crashed] = await Promise.all([target('clean', port), target('crashed', port)]);
  for (const t of [clean, crashed]) {
    await generate({ from: DATE, days: 1, logsPerDay: 3_000, services: 3, seed: 11, malformedRate: 0.01, lake: t.lake }, { log, env: stepEnv(t) });
  }
  // The reference: every step once, no crash.
  for (const step of STEPS) {
    await runStep(step, clean);
    expected.set(step, await outputs(step, clean));
  }
}, 600_000);

afterAll(async () => {
  for (const t of [clean, crashed]) {
    await t?.database.close();
    await t?.drop();
  }
  server?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('crash injection: every step killed at each crash point, then rerun', () => {
  it.each(STEPS)(
    '%s',
    async (step) => {
      // The first crash of a step lands on a lake without its outputs, the others on a committed run.
      for (const point of CRASH_POINTS[step]) {
        // train's points are reached only without a version of the same fingerprint (else it reuses that one).
        if (step === 'train') await crashed.database.pool.query('DELETE FROM models');
        const killed = await crashRun(step, crashed, point);
        expect({ point, signal: killed.signal, stderr: killed.signal ? '' : killed.stderr }).toEqual({ point, signal: 'SIGKILL', stderr: '' });
        if (await mixed(step, crashed)) {
          mixedSeen.add(step);
          await expectReadersRefuse(step, crashed);
        }
        await runStep(step, crashed);
        expect(await mixed(step, crashed)).toBe(false);
        expect({ point, outputs: await outputs(step, crashed) }).toEqual({ point, outputs: expected.get(step) });
      }
    },
    600_000,
  );

  it('a score killed between its lake and database commits leaves a set monitor and report refuse until it is rerun', async () => {
    // Another model version makes the two outputs differ: the lake names v2's anomalies, the database holds v1's.
    const s = { log, database: crashed.database, env: stepEnv(crashed) };
    const other = await train({ from: DATE, to: DATE, lake: crashed.lake, seed: 99, detectors: 'robust_baseline' }, s);
    expect(other.version).toBe(2);
    const killed = await crashRun('score', crashed, 'lake:scored/windows:after-commit', ['--model-version', '2']);
    expect(killed.signal).toBe('SIGKILL');
    const refusal = new RegExp(`a run of score stopped between its commits\\. Rerun score for ${DATE}`);
    await expect(monitor({ date: DATE, lake: crashed.lake }, s)).rejects.toThrow(refusal);
    await expect(buildReport({ from: DATE, to: DATE, lake: crashed.lake, format: 'json', html: crashed.html }, s)).rejects.toThrow(refusal);
    await score({ date: DATE, lake: crashed.lake, modelVersion: 2 }, s);
    await monitor({ date: DATE, lake: crashed.lake }, s);
    expect((await query(crashed, 'SELECT DISTINCT model_version FROM anomalies')).map((r) => r.model_version)).toEqual([2]);
  }, 300_000);

  it('left a mixed multi-output set (and its readers refused it) for each step that has one', () => {
    expect([...mixedSeen].sort()).toEqual(['features', 'ingest', 'parse']);
  });

  it('leaves no temp file beside the report but the one of the run killed before its rename', async () => {
    const temps = (await readdir(workDir)).filter((f) => f.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(/^crashed\.html\.report-[0-9a-f]{8}\.tmp$/);
  });
});
