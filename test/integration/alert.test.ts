import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/services';
import { windowAnomaly } from '../support/anomalyRows';
import { createLogger } from '../../shared/logger';
import { openDatabase, inTransaction, type Database } from '../../shared/db/database';
import { replaceAnomalies } from '../../shared/db/anomalies';
import { listAlerts } from '../../shared/db/alerts';
import { run as alert } from '../../tasks/alert/command';
import { run as alerts } from '../../tasks/alerts/command';

/** Alerting against real PostgreSQL and a real local HTTP webhook that fails once. */
const log = createLogger('silent');
let database: Database;
let drop: () => Promise<void>;
let url: string;
let server: Server;
const received: { body: { alert: { id: number; summary: string } }; status: number }[] = [];
let failNext = 1;

const anomaly = windowAnomaly;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  url = db.url;
  database = await openDatabase({ databaseUrl: url, embeddedDbDir: 'unused' }, log);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = failNext-- > 0 ? 503 : 200;
      received.push({ body: JSON.parse(body), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  server?.close();
  await database?.close();
  await drop?.();
});

const step = () => ({
  log,
  database,
  env: {
    ...process.env,
    DATABASE_URL: url,
    SENTINEL_WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret-token`,
    SENTINEL_ALERT_MIN_SEVERITY: '60',
  },
});

describe('alert step', () => {
  it('groups neighbouring windows into incidents, retries a failed delivery, and never re-sends on rerun', async () => {
    const day = '2026-04-01';
    const rows = [
      anomaly(day, 'api', 'latency_degradation', 10, 0),
      anomaly(day, 'api', 'latency_degradation', 10, 1),
      anomaly(day, 'api', 'latency_degradation', 10, 3, 95),
      anomaly(day, 'db', 'error_burst', 12, 0),
      anomaly(day, 'db', 'error_burst', 13, 0, 40),
      anomaly(day, 'web', 'volume_spike', 15, 0, 40),
    ];
    await inTransaction(database.pool, (c) => replaceAnomalies(c, day, ['window'], rows));

    const first = await alert({ date: day }, step());
    // db 13:00 is a separate incident (gap > grouping gap) but within the 60-minute cooldown of the
    // 12:00 alert: it continues that alert instead of raising a second one.
    // web (severity 40) is below the channel's minimum severity 60: recorded, not sent.
    expect(first).toMatchObject({ anomalies: 6, incidents: 4, alerts: 3, delivered: 2, failed: 0, skipped: 1 });
    expect(received.map((r) => r.status)).toEqual([503, 200, 200]);
    const stored = await listAlerts(database.pool);
    expect(stored).toHaveLength(3);
    expect(stored.find((a) => a.service === 'db')).toMatchObject({ anomaly_count: 2, severity: 80 });
    const latency = stored.find((a) => a.anomaly_type === 'latency_degradation')!;
    expect(latency).toMatchObject({ service: 'api', severity: 95, anomaly_count: 3 });
    const attempts = await database.pool.query('SELECT attempts, status FROM alert_deliveries WHERE alert_id = $1', [latency.id]);
    expect(attempts.rows[0]).toEqual({ attempts: 2, status: 'delivered' });

    const again = await alert({ date: day }, step());
    expect(again).toMatchObject({ incidents: 4, alerts: 3, delivered: 0, skipped: 3 });
    expect(received).toHaveLength(3);
    expect(await listAlerts(database.pool)).toHaveLength(3);
  });

  it('continues an open alert within the cooldown across midnight, and re-sends it because it grew', async () => {
    await inTransaction(database.pool, (c) => replaceAnomalies(c, '2026-04-02', ['window'], [anomaly('2026-04-02', 'cache', 'volume_spike', 23, 50)]));
    await alert({ date: '2026-04-02' }, step());
    await inTransaction(database.pool, (c) => replaceAnomalies(c, '2026-04-03', ['window'], [anomaly('2026-04-03', 'cache', 'volume_spike', 0, 10)]));
    const r = await alert({ date: '2026-04-03' }, step());
    expect(r).toMatchObject({ alerts: 1, delivered: 1 });
    const cache = (await listAlerts(database.pool)).filter((a) => a.service === 'cache');
    expect(cache).toHaveLength(1);
    expect(cache[0].last_seen).toBe('2026-04-03T00:11:00.000Z');
    // Quiet from 00:11 to the end of the logical day: longer than the quiet period, so auto-resolved.
    expect(cache[0]).toMatchObject({ status: 'resolved', resolved_reason: 'auto: quiet for 120 minutes' });
  });

  it('moves an alert through acknowledged to resolved, and refuses to change a resolved one', async () => {
    // 23:30: only 30 quiet minutes before the end of the day, so it stays open.
    await inTransaction(database.pool, (c) => replaceAnomalies(c, '2026-04-04', ['window'], [anomaly('2026-04-04', 'search', 'error_burst', 23, 30)]));
    await alert({ date: '2026-04-04' }, step());
    const open = (await listAlerts(database.pool, 'open'))[0];
    expect(open).toMatchObject({ service: 'search' });
    expect(await alerts({ action: 'ack', id: open.id }, step())).toMatchObject({ status: 'acknowledged' });
    expect(await alerts({ action: 'resolve', id: open.id, reason: 'fixed' }, step())).toMatchObject({ status: 'resolved' });
    await expect(alerts({ action: 'ack', id: open.id }, step())).rejects.toThrow(/already resolved/);
  });

  it('dry run writes and sends nothing', async () => {
    const before = received.length;
    const r = await alert({ date: '2026-04-01', dryRun: true }, step());
    expect(r).toMatchObject({ dryRun: true, incidents: 4 });
    expect(received).toHaveLength(before);
  });
});
