import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { createTestDatabase, createTestLake } from '../support/services';
import { startStream, waitUntil, type StreamProcess } from '../support/streamProcess';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { openStore } from '../../shared/store/openStore';
import { getJson } from '../../shared/store/objectStore';
import { labelsKey } from '../../shared/labels';
import { evaluateDetections } from '../../shared/eventEvaluation';
import { listAnomalies } from '../../shared/db/anomalies';
import { inTransaction } from '../../shared/db/database';
import { getModel, promote } from '../../shared/db/models';
import { kafkaSettings, openProducer } from '../../shared/kafka';
import { loadConfig } from '../../shared/config';
import type { AnomalyLabel } from '../../shared/schemas';
import { dayStart } from '../../shared/dates';
import { run as generate } from '../../tasks/generate/command';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';
import { run as train } from '../../tasks/train/command';
import { run as score } from '../../tasks/score/command';

/**
 * `sentinel stream` against a real Kafka broker (infra/scripts/kafka.sh), PostgreSQL and MinIO: a
 * model trained by the batch pipeline on one day, the next day's generated logs (with injected
 * anomalies and malformed lines) produced to a topic, and the stream as a separate process that is
 * killed with SIGKILL halfway and restarted.
 */
const BROKERS = process.env.SENTINEL_TEST_KAFKA_BROKERS;
const TRAIN_DATE = '2026-03-02';
const STREAM_DATE = '2026-03-03';
const NEXT_DATE = '2026-03-04';
const STREAM_TYPES = ['volume_spike', 'error_burst', 'latency_degradation', 'new_template', 'traffic_drop'] as const;
const log = createLogger('warn');
const suffix = Math.random().toString(36).slice(2, 8);
const TOPIC = `logs-${suffix}`;
let lake: string;
let dbUrl: string;
let dropDb: () => Promise<void>;
let database: Database;
let produced = 0;
const env = () => ({ ...process.env, DATABASE_URL: dbUrl, SENTINEL_LAKE: lake, SENTINEL_KAFKA_BROKERS: BROKERS, LOG_LEVEL: 'info' });
const step = () => ({ log, database, env: env() });

/** One record per partition far past the stream day, so the watermark passes every window of it. */
async function produceTicks(topic: string, at: string): Promise<void> {
  const producer = openProducer(kafkaSettings(loadConfig(env()), 'stream-test-ticks'));
  const ticks = [0, 1, 2, 3].map((partition) => ({
    topic,
    partition,
    value: JSON.stringify({ ts: at, service: 'stream-tick', level: 'INFO', message: 'watermark tick' }),
  }));
  await producer.send(ticks);
  await producer.close();
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

const watermarkPast = (proc: StreamProcess, ms: number) => async () => ((await proc.metrics()).get('sentinel_stream_watermark_seconds') ?? 0) * 1000 >= ms;

describe.skipIf(!BROKERS)('sentinel stream on Kafka + PostgreSQL + MinIO', () => {
  beforeAll(async () => {
    lake = await createTestLake();
    ({ url: dbUrl, drop: dropDb } = await createTestDatabase());
    database = await openDatabase({ databaseUrl: dbUrl, embeddedDbDir: 'unused' }, log);
    await generate({ from: TRAIN_DATE, logsPerDay: 150_000, services: 6, seed: 7, lake }, step());
    await ingest({ date: TRAIN_DATE, lake }, step());
    await parse({ date: TRAIN_DATE, lake }, step());
    await features({ date: TRAIN_DATE, lake }, step());
    await train({ from: TRAIN_DATE, to: TRAIN_DATE, lake }, step());
    const gen = await generate(
      { from: STREAM_DATE, logsPerDay: 150_000, services: 6, seed: 8, malformedRate: 0.001, anomalyTypes: [...STREAM_TYPES], toKafka: TOPIC, lake },
      step(),
    );
    produced = gen.logs;
    await produceTicks(TOPIC, `${NEXT_DATE}T00:05:00.000Z`);
  }, 300_000);
  afterAll(async () => {
    await database?.close();
    await dropDb?.();
  });

  it('kill -9 mid-stream and a restart: every record lands once, anomalies match the labels, bad records go to the dead-letter topic', async () => {
    const args = ['--topic', TOPIC, '--group', `g-${suffix}`, '--model-check-seconds', '1'];
    const first = startStream(args, env(), 19481);
    await waitUntil(
      'the first stream to consume 40K records',
      async () => ((await first.metrics()).get('sentinel_stream_records_in_total') ?? 0) >= 40_000,
      120_000,
      first,
    );
    first.child.kill('SIGKILL');

    expect(await first.exited).toBe('SIGKILL');

    const second = startStream(args, env(), 19482);
    await waitUntil('the restarted stream to pass the stream day', watermarkPast(second, dayStart(NEXT_DATE)), 180_000, second);
    const readyz = await fetch(`http://127.0.0.1:${second.port}/readyz`);
    expect(readyz.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toContain('stream drained and stopped');

    // Landing → the daily ingest: every produced line exactly once (a duplicate would raise `read`).
    const ing = await ingest({ date: STREAM_DATE, lake }, step());
    expect(ing.read).toBe(produced);
    expect(ing.quarantined).toBeGreaterThan(50);

    // Dead-letter topic: each bad record (at least once: redelivery may repeat one), with reason, partition, offset.
    const dlq = await readTopic(`${TOPIC}.dlq`);
    const distinct = new Set(dlq.map((m) => `${m.headers.get('partition')}:${m.headers.get('offset')}`));
    expect(distinct.size).toBe(ing.quarantined);
    expect(dlq[0].headers.get('reason')).toBeTruthy();

    // No duplicate anomaly: one row per window, one per (service, template).
    const rows = await listAnomalies(database.pool, STREAM_DATE, STREAM_DATE);
    const windows = rows.filter((r) => r.entity_kind === 'window');
    expect(new Set(windows.map((r) => `${r.service}@${r.window_start}`)).size).toBe(windows.length);
    const templates = rows.filter((r) => r.entity_kind === 'template');
    expect(new Set(templates.map((r) => `${r.service}@${(r.explanation as { template: string }).template}`)).size).toBe(templates.length);
    const sources = await query<{ source: string }>('SELECT DISTINCT source FROM anomalies');
    expect(sources.map((s) => s.source)).toEqual(['stream']);

    // Against the labels: precision and recall of everything the stream wrote for the day.
    const labels = ((await getJson<AnomalyLabel[]>(openStore(lake), labelsKey(STREAM_DATE))) ?? []).filter((l) => !l.session_ids);
    expect(labels.length).toBeGreaterThan(5);
    const e = evaluateDetections(rows, labels);
    const byType: Record<string, number> = {};
    for (const r of rows) byType[`${r.entity_kind}:${r.anomaly_type}`] = (byType[`${r.entity_kind}:${r.anomaly_type}`] ?? 0) + 1;
    console.log(
      `stream vs labels: precision ${e.precision.toFixed(3)}, recall ${e.recall.toFixed(3)} (${rows.length} rows ${JSON.stringify(byType)}, ${labels.length} labels)`,
    );
    expect(e.precision).toBeGreaterThanOrEqual(0.9);
    expect(e.recall).toBeGreaterThanOrEqual(0.9);

    // The daily pipeline over the landed records, same model version: batch `score` replaces the
    // stream's window rows for the date. The windows both flag should mostly agree (differences:
    // the stream's rolling counts do not restart at midnight, and its first window has no history).
    await parse({ date: STREAM_DATE, lake }, step());
    await features({ date: STREAM_DATE, lake }, step());
    await score({ date: STREAM_DATE, lake }, step());
    const batch = (await listAnomalies(database.pool, STREAM_DATE, STREAM_DATE)).filter((r) => r.entity_kind === 'window');
    const streamKeys = new Set(windows.map((r) => r.entity_key));
    const batchKeys = new Set(batch.map((r) => r.entity_key));
    const both = [...streamKeys].filter((k) => batchKeys.has(k)).length;
    const jaccard = both / (streamKeys.size + batchKeys.size - both);
    console.log(`stream vs batch score, window anomalies: stream ${streamKeys.size}, batch ${batchKeys.size}, both ${both}, Jaccard ${jaccard.toFixed(3)}`);
    expect(batch.every((r) => r.source === 'batch')).toBe(true);
    expect((await listAnomalies(database.pool, STREAM_DATE, STREAM_DATE)).filter((r) => r.entity_kind === 'template')).toHaveLength(templates.length);
    expect(jaccard).toBeGreaterThanOrEqual(0.9);
  }, 420_000);

  it('a model promoted mid-stream is used without a restart', async () => {
    // A second version to promote: the same day trained again with another alert rate.
    await train({ from: TRAIN_DATE, to: TRAIN_DATE, lake, alertRate: '0.01' }, step());
    const production = (await getModel(database.pool, 'sentinel'))!.version;
    const other = production === 1 ? 2 : 1;
    const proc = startStream(['--topic', TOPIC, '--group', `promote-${suffix}`, '--model-check-seconds', '1'], env(), 19483);
    await waitUntil(
      'the stream to load the production model',
      async () => (await proc.metrics()).get('sentinel_stream_model_version') === production,
      60_000,
      proc,
    );
    await inTransaction(database.pool, (c) => promote(c, 'sentinel', other, 'stream test'));
    await waitUntil('the stream to switch models', async () => (await proc.metrics()).get('sentinel_stream_model_version') === other, 30_000, proc);
    const m = await proc.metrics();
    expect(m.get('sentinel_stream_model_switches_total')).toBe(1);
    expect(proc.child.exitCode).toBeNull();
    expect(proc.stderr()).toContain('production model switched');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 180_000);
});

/** Every message of a topic from the beginning, until none came for 3 s (a throwaway consumer group). */
async function readTopic(topic: string) {
  const consumer = new Consumer({
    clientId: 'stream-test-dlq',
    bootstrapBrokers: BROKERS!.split(','),
    groupId: `dlq-reader-${Math.random().toString(36).slice(2)}`,
    deserializers: stringDeserializers,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const out: { value: string; headers: Map<string, string> }[] = [];
  await new Promise<void>((resolve) => {
    let timer = setTimeout(resolve, 10_000);
    stream.on('data', (m) => {
      out.push({ value: m.value, headers: m.headers });
      clearTimeout(timer);
      timer = setTimeout(resolve, 3000);
    });
  });
  await stream.close();
  await consumer.close(true);
  return out;
}
