import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, runBounded, type Channel } from './deliver';
import type { AlertForDelivery } from './payload';

/** Delivery within a deadline against a real local receiver (issue 14, item 14). */
let server: Server;
let mode: 'hang' | '503' | 'ok' = 'hang';
const held: ServerResponse[] = [];
const bodies: { idempotency_key?: string }[] = [];
const alert: AlertForDelivery = {
  id: 7,
  service: 'api',
  anomaly_type: 'error_burst',
  severity: 80,
  status: 'open',
  first_seen: '2026-05-01T10:00:00.000Z',
  last_seen: '2026-05-01T10:01:00.000Z',
  anomaly_count: 1,
  summary: 's',
  reasons: [],
};
const channel = (): Channel => ({ name: 'ops', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, format: 'json', minSeverity: 0 });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      if (mode === 'hang') held.push(res);
      else res.writeHead(mode === 'ok' ? 200 : 503).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => {
  for (const res of held) res.destroy();
  server.close();
});

describe('deliver within a deadline', () => {
  it('cuts a hanging attempt at the deadline and reports it pending, not failed', async () => {
    mode = 'hang';
    const t0 = Date.now();
    const out = await deliver(alert, channel(), { attempts: 3, baseDelayMs: 10, timeoutMs: 10_000 }, undefined, t0 + 300);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(out).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('does not sleep a backoff past the deadline', async () => {
    mode = '503';
    const slept: number[] = [];
    const out = await deliver(alert, channel(), { attempts: 3, baseDelayMs: 60_000, timeoutMs: 1_000 }, async (ms) => void slept.push(ms), Date.now() + 2_000);
    expect(out).toMatchObject({ status: 'pending', attempts: 1, error: expect.stringMatching(/HTTP 503; .*budget ran out/) });
    expect(slept).toEqual([]);
  });

  it('puts the idempotency key in the body', async () => {
    mode = 'ok';
    expect(await deliver(alert, channel())).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(bodies.at(-1)?.idempotency_key).toBe('7:ops:2026-05-01T10:01:00.000Z');
  });
});

describe('runBounded', () => {
  it('keeps at most `concurrency` jobs in flight and hands the ones not started by the deadline to onLeft', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const left: number[] = [];
    const deadline = Date.now() + 120;
    await runBounded(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      deadline,
      async (i) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 50));
        inFlight--;
        done.push(i);
      },
      async (i) => void left.push(i),
    );
    expect(most).toBe(4);
    expect(done.length + left.length).toBe(20);
    expect(done.length).toBeGreaterThanOrEqual(8);
    expect(left.length).toBeGreaterThan(0);
  });
});
