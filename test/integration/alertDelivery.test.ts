import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/services';
import { windowAnomaly } from '../support/anomalyRows';
import { createLogger } from '../../shared/logger';
import { openDatabase, inTransaction, type Database } from '../../shared/db/database';
import { replaceAnomalies } from '../../shared/db/anomalies';
import { run as alert } from '../../tasks/alert/command';

/**
 * Issue 14, item 14, against real PostgreSQL and a real local webhook that hangs: deliveries run
 * at most 4 at a time, the run ends within its time budget, what is left is recorded pending, and
 * the next run delivers each of those exactly once, with the idempotency key in the body.
 */
const log = createLogger('silent');
let database: Database;
let drop: () => Promise<void>;
let url: string;
let server: Server;
let hang = true;
let open = 0;
let maxOpen = 0;
const hung: ServerResponse[] = [];
const delivered: { key: string; header: string | undefined }[] = [];

const anomaly = windowAnomaly;

function receive(req: IncomingMessage, res: ServerResponse) {
  open++;
  maxOpen = Math.max(maxOpen, open);
  res.on('close', () => open--);
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (hang) return void hung.push(res); // never answers
    const key = (JSON.parse(body) as { idempotency_key: string }).idempotency_key;
    delivered.push({ key, header: req.headers['idempotency-key'] as string | undefined });
    res.writeHead(200).end();
  });
}

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  url = db.url;
  database = await openDatabase({ databaseUrl: url, embeddedDbDir: 'unused' }, log);
  server = createServer(receive);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const res of hung) res.destroy();
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
    SENTINEL_WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    SENTINEL_ALERT_DELIVERY_BUDGET_SECONDS: '2',
  },
});

describe('webhook delivery within a time budget', () => {
  it('leaves what a hanging receiver holds up pending, and the next run delivers it exactly once', async () => {
    const day = '2026-05-01';
    const services = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
    await inTransaction(database.pool, (c) =>
      replaceAnomalies(
        c,
        day,
        ['window'],
        services.map((s) => anomaly(day, s)),
      ),
    );

    const t0 = performance.now();
    const first = await alert({ date: day }, step());
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThan(4); // budget 2 s; sequential 10 s timeouts took 10 × 30 s before
    expect(first).toMatchObject({ alerts: 10, delivered: 0, failed: 0, pending: 10 });
    expect(maxOpen).toBe(4);
    const rows = await database.pool.query(`SELECT status, count(*)::int AS n FROM alert_deliveries GROUP BY status`);
    expect(rows.rows).toEqual([{ status: 'pending', n: 10 }]);

    hang = false;
    const next = await alert({ date: '2026-05-02' }, step());
    expect(next).toMatchObject({ alerts: 0, delivered: 10, pending: 0 });
    expect(new Set(delivered.map((d) => d.key)).size).toBe(10);
    expect(delivered).toHaveLength(10);
    for (const d of delivered) expect(d.key).toBe(d.header);
    expect(delivered[0].key).toMatch(/^\d+:webhook:2026-05-01T10:01:00\.000Z$/);

    // Nothing is pending any more: a third run (and a rerun of the first day) sends nothing.
    expect(await alert({ date: '2026-05-03' }, step())).toMatchObject({ delivered: 0, pending: 0 });
    expect(await alert({ date: day }, step())).toMatchObject({ delivered: 0, pending: 0, skipped: 10 });
    expect(delivered).toHaveLength(10);
  });
});
