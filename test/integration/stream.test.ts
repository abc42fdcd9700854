import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { generateLogs } from '../../tasks/generate/generator';
import { produceLines } from '../../tasks/generate/toKafka';
import { isMalformed, type GeneratedLine } from '../../tasks/generate/records';
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
/** The rebalance test's own day and topic, so its landing and anomalies are its own. */
const REBALANCE_DATE = '2026-03-05';
const AFTER_REBALANCE_DATE = '2026-03-06';
/** The future-record test's own day and topic. */
const FUTURE_DATE = '2026-03-07';
const AFTER_FUTURE_DATE = '2026-03-08';
const COOLDOWN_MS = 60 * 60_000;
const STREAM_TYPES = ['volume_spike', 'error_burst', 'latency_degradation', 'new_template', 'traffic_drop'] as const;
const log = createLogger('warn');
const suffix = Math.random().toString(36).slice(2, 8);
const TOPIC = `logs-${suffix}`;
let lake: string;
let dbUrl: string;
let dropDb: () => Promise<void>;
let database: Database;
let produced = 0;
/** A real local webhook receiver: the stream's alert deliveries. */
let webhook: Server;
const received: { idempotency_key: string; alert: { id: number } }[] = [];
const env = () => ({
  ...process.env,
  DATABASE_URL: dbUrl,
  SENTINEL_LAKE: lake,
  SENTINEL_KAFKA_BROKERS: BROKERS,
  LOG_LEVEL: 'info',
  SENTINEL_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`,
  SENTINEL_ALERT_MIN_SEVERITY: '60',
  SENTINEL_ALERT_COOLDOWN_MINUTES: String(COOLDOWN_MS / 60_000),
});
const step = () => ({ log, database, env: env() });

/**
 * A generated day (with injected anomalies and malformed lines) produced to `topic` at `rate`
 * records per second, in the background: the caller awaits the promise when it needs the count.
 */
function produceDay(date: string, topic: string, seed: number, rate: number) {
  const producing = generate(
    { from: date, logsPerDay: 150_000, services: 6, seed, malformedRate: 0.001, anomalyTypes: [...STREAM_TYPES], toKafka: topic, rate, lake },
    step(),
  );
  producing.catch(() => undefined); // awaited by the caller; this only keeps an early failure from being "unhandled"
  return producing;
}

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

interface AlertRecord {
  id: string;
  dedup_key: string;
  service: string;
  anomaly_type: string;
  first_seen: Date;
  last_seen: Date;
  severity: number;
}

const alertsOn = (from: string, to: string) =>
  query<AlertRecord>(
    `SELECT id, dedup_key, service, anomaly_type, first_seen, last_seen, severity FROM alerts WHERE first_seen >= $1 AND first_seen < $2 ORDER BY dedup_key, first_seen`,
    [new Date(dayStart(from)), new Date(dayStart(to))],
  );

/** Two alerts of one key within the cooldown of each other: one incident alerted twice. */
function duplicateAlerts(alerts: readonly AlertRecord[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < alerts.length; i++) {
    const [a, b] = [alerts[i - 1], alerts[i]];
    if (a.dedup_key === b.dedup_key && b.first_seen.getTime() <= a.last_seen.getTime() + COOLDOWN_MS) out.push(`${a.dedup_key} ${a.id}/${b.id}`);
  }
  return out;
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

/** A metric of the stream process, 0 until it is first reported. */
const metric = async (proc: StreamProcess, name: string) => (await proc.metrics()).get(name) ?? 0;
const watermarkPast = (proc: StreamProcess, ms: number) => async () => (await metric(proc, 'sentinel_stream_watermark_seconds')) * 1000 >= ms;

describe.skipIf(!BROKERS)('sentinel stream on Kafka + PostgreSQL + MinIO', () => {
  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    lake = await createTestLake();
    ({ url: dbUrl, drop: dropDb } = await createTestDatabase());
    database = await openDatabase({ databaseUrl: dbUrl, embeddedDbDir: 'unused' }, log);
    await generate({ from: TRAIN_DATE, logsPerDay: 150_000, services: 6, seed: 7, lake }, step());
    await ingest({ date: TRAIN_DATE, lake }, step());
    await parse({ date: TRAIN_DATE, lake }, step());
    await features({ date: TRAIN_DATE, lake }, step());
    await train({ from: TRAIN_DATE, to: TRAIN_DATE, lake }, step());
  }, 300_000);
  afterAll(async () => {
    webhook?.close();
    await database?.close();
    await dropDb?.();
  });

  it('kill -9 mid-stream and a restart: every record lands once, anomalies match the labels, bad records go to the dead-letter topic', async () => {
    const args = ['--topic', TOPIC, '--group', `g-${suffix}`, '--model-check-seconds', '1'];
    const first = startStream(args, env(), 19481);
    // The stream day is produced at a pace (about 8 s) while the first process runs, so the kill
    // lands mid-stream however fast the machine: unpaced, one process can take the whole day (and
    // commit it) before the test gets to the kill.
    const producing = produceDay(STREAM_DATE, TOPIC, 8, 20_000);
    await waitUntil('the first stream to consume 40K records', async () => (await metric(first, 'sentinel_stream_records_in_total')) >= 40_000, 120_000, first);
    first.child.kill('SIGKILL');

    expect(await first.exited).toBe('SIGKILL');

    const second = startStream(args, env(), 19482);
    produced = (await producing).logs;
    await produceTicks(TOPIC, `${NEXT_DATE}T00:05:00.000Z`);
    await waitUntil('the restarted stream to pass the stream day', watermarkPast(second, dayStart(NEXT_DATE)), 180_000, second);
    const readyz = await fetch(`http://127.0.0.1:${second.port}/readyz`);
    expect(readyz.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toContain('stream drained and stopped');

    // Alerts, through the alert step's path: the injected incidents raised alerts, the re-delivery
    // after the kill -9 opened none twice, and each alert above the channel's severity was delivered.
    const alerts = await alertsOn(STREAM_DATE, NEXT_DATE);
    expect(duplicateAlerts(alerts)).toEqual([]);
    const labelsForAlerts = ((await getJson<AnomalyLabel[]>(openStore(lake), labelsKey(STREAM_DATE))) ?? []).filter((l) => !l.session_ids);
    const alertDetections = alerts.map((a) => ({
      entity_kind: 'window' as const,
      entity_key: a.id,
      service: a.service,
      window_start: a.first_seen.getTime(),
      window_end: a.last_seen.getTime(),
      anomaly_type: a.anomaly_type,
    }));
    const alerted = evaluateDetections(alertDetections, labelsForAlerts);
    console.log(
      `stream alerts vs labels: ${alerts.length} alerts, incidents found ${alerted.found}/${alerted.incidents}, precision ${alerted.precision.toFixed(3)}`,
    );
    expect(alerted.recall).toBeGreaterThanOrEqual(0.9);
    const delivered = new Set(
      (await query<{ alert_id: string }>(`SELECT DISTINCT alert_id FROM alert_deliveries WHERE status = 'delivered'`)).map((r) => String(r.alert_id)),
    );
    const severe = alerts.filter((a) => a.severity >= 60);
    expect(severe.length).toBeGreaterThan(0);
    expect(severe.filter((a) => !delivered.has(String(a.id)))).toEqual([]);
    expect(new Set(received.map((r) => r.alert.id)).size).toBe(delivered.size);

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
    // Sessions are scored too (none of this day's injected incidents is a session one): windows and templates against the labels.
    const sessionRows = rows.filter((r) => r.entity_kind === 'session');
    const e = evaluateDetections(
      rows.filter((r) => r.entity_kind !== 'session'),
      labels,
    );
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

    // Sessions: the stream closes them by gap and scores them with the bundle's session models, as
    // `score` does with the sessions of `features` (named key, key#2 there; key@start here).
    const batchSessions = (await listAnomalies(database.pool, STREAM_DATE, STREAM_DATE)).filter((r) => r.entity_kind === 'session');
    const sessionKey = (r: { entity_key: string; window_start: number }) => `${r.entity_key.replace(/[#@].*$/, '')}@${r.window_start}`;
    const streamSessionKeys = new Set(sessionRows.map(sessionKey));
    const batchSessionKeys = new Set(batchSessions.map(sessionKey));
    const bothSessions = [...streamSessionKeys].filter((k) => batchSessionKeys.has(k)).length;
    const sessionJaccard = bothSessions / Math.max(1, streamSessionKeys.size + batchSessionKeys.size - bothSessions);
    console.log(
      `stream vs batch score, session anomalies: stream ${streamSessionKeys.size}, batch ${batchSessionKeys.size}, both ${bothSessions}, Jaccard ${sessionJaccard.toFixed(3)}`,
    );
    expect(new Set(sessionRows.map((r) => r.entity_key)).size).toBe(sessionRows.length);
    expect(sessionRows.every((r) => r.source === 'stream' && r.anomaly_type === 'unusual_sequence')).toBe(true);
    expect(streamSessionKeys.size).toBeGreaterThan(0);
    expect(sessionJaccard).toBeGreaterThanOrEqual(0.8);
  }, 420_000);

  it('a partition that moves to another member and comes back: no record lost or landed twice, no duplicate anomaly or alert', async () => {
    const topic = `rebalance-${suffix}`;
    const args = ['--topic', topic, '--group', `rebalance-${suffix}`, '--model-check-seconds', '1'];
    const a = startStream(args, env(), 19484);
    // Produced at a pace (30 s for the day) while the members come and go, so each has records to
    // consume when the partitions move: one member takes the whole day in about 2 s, before a
    // second one has even joined.
    const producing = produceDay(REBALANCE_DATE, topic, 9, 5000);
    await waitUntil('the first member to consume 20K records', async () => (await metric(a, 'sentinel_stream_records_in_total')) >= 20_000, 120_000, a);
    // A second member joins: the partitions are split between the two.
    const b = startStream(args, env(), 19485);
    await waitUntil('the second member to consume 5K records', async () => (await metric(b, 'sentinel_stream_records_in_total')) >= 5_000, 120_000, b);
    const aBefore = await metric(a, 'sentinel_stream_rebalances_total');
    // It leaves: its partitions go back to the first member, which had them before.
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await waitUntil('the first member to get the partitions back', async () => (await metric(a, 'sentinel_stream_rebalances_total')) > aBefore, 60_000, a);
    const gen = await producing;
    await produceTicks(topic, `${AFTER_REBALANCE_DATE}T00:05:00.000Z`);
    await waitUntil('the first member to pass the day', watermarkPast(a, dayStart(AFTER_REBALANCE_DATE)), 240_000, a);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.stderr()).toContain('partitions assigned');

    // Every produced line landed exactly once.
    const ing = await ingest({ date: REBALANCE_DATE, lake }, step());
    expect(ing.read).toBe(gen.logs);
    // One anomaly row per window and template; alerts without duplicates.
    const rows = await listAnomalies(database.pool, REBALANCE_DATE, REBALANCE_DATE);
    expect(rows.length).toBeGreaterThan(5);
    const windows = rows.filter((r) => r.entity_kind === 'window');
    expect(new Set(windows.map((r) => `${r.service}@${r.window_start}`)).size).toBe(windows.length);
    const alerts = await alertsOn(REBALANCE_DATE, AFTER_REBALANCE_DATE);
    expect(alerts.length).toBeGreaterThan(0);
    expect(duplicateAlerts(alerts)).toEqual([]);
  }, 420_000);

  it('a record 30 days ahead of the clock goes to the dead-letter topic with its reason, and the windows around it stay as they were', async () => {
    const [day] = generateLogs({ from: FUTURE_DATE, logsPerDay: 150_000, services: 6, seed: 10, malformedRate: 0.001, anomalyTypes: [...STREAM_TYPES] }).days;
    /**
     * The day to `topic`; with `aheadTs`, one more record after noon, of a service of the day from a
     * producer whose clock is 30 days ahead: keyed by that service, so on its partition among its
     * normal records. Returns the records produced (the watermark ticks after the day not counted).
     */
    async function produceDayTo(topic: string, aheadTs?: string): Promise<number> {
      const producer = openProducer(kafkaSettings(loadConfig(env()), 'stream-test-future'));
      const lines = day.lines[Symbol.iterator]();
      let service = '';
      function* untilNoon(): Generator<GeneratedLine> {
        for (let next = lines.next(); !next.done; next = lines.next()) {
          yield next.value;
          if (!isMalformed(next.value) && next.value.ts >= `${FUTURE_DATE}T12:00`) {
            service = next.value.service;
            return;
          }
        }
      }
      let produced = await produceLines(producer, topic, untilNoon(), 0);
      if (aheadTs) {
        await producer.send([{ topic, key: service, value: JSON.stringify({ ts: aheadTs, service, level: 'INFO', message: 'clock 30 days ahead' }) }]);
        produced++;
      }
      produced += await produceLines(producer, topic, { [Symbol.iterator]: () => lines }, 0);
      await producer.close();
      await produceTicks(topic, `${AFTER_FUTURE_DATE}T00:05:00.000Z`);
      return produced;
    }
    /** `sentinel stream` over `topic` until it has taken every record and passed the day; its counters then. */
    async function streamUntilDone(topic: string, produced: number, port: number) {
      const proc = startStream(['--topic', topic, '--group', `g-${topic}`, '--model-check-seconds', '1'], env(), port);
      await waitUntil('the stream to pass the day', watermarkPast(proc, dayStart(AFTER_FUTURE_DATE)), 180_000, proc);
      await waitUntil('the stream to take every record', async () => (await metric(proc, 'sentinel_stream_records_in_total')) === produced + 4, 60_000, proc);
      const counters = {
        quarantined: await metric(proc, 'sentinel_stream_records_quarantined_total'),
        late: await metric(proc, 'sentinel_stream_late_events_total'),
      };
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      return counters;
    }
    /** The stream's window anomalies of the day, as key, type and score. */
    const windowAnomalies = async () =>
      (await listAnomalies(database.pool, FUTURE_DATE, FUTURE_DATE))
        .filter((r) => r.entity_kind === 'window')
        .map((r) => `${r.entity_key} ${r.anomaly_type} ${r.score}`);

    // Without the record first: its window anomalies, then its rows and landing parts go, so the
    // run with the record writes and lands the day on its own.
    const base = `future-base-${suffix}`;
    await streamUntilDone(base, await produceDayTo(base), 19486);
    const without = await windowAnomalies();
    expect(without.length).toBeGreaterThan(50);
    await query('DELETE FROM anomalies WHERE date = $1', [FUTURE_DATE]);
    const store = openStore(lake);
    await store.delete(await store.list(`landing/date=${FUTURE_DATE}/stream-${base}-`));

    const topic = `future-${suffix}`;
    const aheadTs = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const produced = await produceDayTo(topic, aheadTs);
    const { quarantined, late } = await streamUntilDone(topic, produced, 19487);

    // On the dead-letter topic, as any bad record, with a reason that names the time, how far ahead and what to do.
    const dlq = await readTopic(`${topic}.dlq`);
    const ahead = dlq.filter((m) => m.headers.get('reason_key') === 'timestamp:future');
    expect(ahead).toHaveLength(1);
    expect(JSON.parse(ahead[0].value).ts).toBe(aheadTs);
    expect(ahead[0].headers.get('reason')).toBe(
      `timestamp ${aheadTs} is 30 d ahead of this consumer's clock (--max-future 1h): fix the producer's clock or the record`,
    );
    // The counts add up: it landed with the day (whose ingest quarantines it as outside the date),
    // the dead-letter topic holds each record ingest quarantines, and no normal record was late.
    const ing = await ingest({ date: FUTURE_DATE, lake }, step());
    expect(ing.read).toBe(produced);
    expect(new Set(dlq.map((m) => `${m.headers.get('partition')}:${m.headers.get('offset')}`)).size).toBe(ing.quarantined);
    expect(quarantined).toBe(ing.quarantined);
    expect(late).toBe(0);

    // No flood: the same window anomalies as without the record, and none after the day.
    const withRecord = await windowAnomalies();
    console.log(`a record 30 d ahead: ${withRecord.length} window anomalies, ${without.length} without it`);
    expect(withRecord).toEqual(without);
    const later = await query<{ n: string }>(`SELECT count(*) AS n FROM anomalies WHERE entity_kind = 'window' AND window_start >= $1`, [
      new Date(dayStart(AFTER_FUTURE_DATE) + 3_600_000),
    ]);
    expect(Number(later[0].n)).toBe(0);
  }, 300_000);

  it('a model promoted mid-stream is used without a restart', async () => {
    // A second version to promote: the same day trained again with another alert rate.
    await train({ from: TRAIN_DATE, to: TRAIN_DATE, lake, alertRate: '0.01' }, step());
    const production = (await getModel(database.pool, 'sentinel'))!.version;
    const other = production === 1 ? 2 : 1;
    const proc = startStream(['--topic', TOPIC, '--group', `promote-${suffix}`, '--model-check-seconds', '1'], env(), 19483);
    await waitUntil('the stream to load the production model', async () => (await metric(proc, 'sentinel_stream_model_version')) === production, 60_000, proc);
    await inTransaction(database.pool, (c) => promote(c, 'sentinel', other, 'stream test'));
    await waitUntil('the stream to switch models', async () => (await metric(proc, 'sentinel_stream_model_version')) === other, 30_000, proc);
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
