import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedAddress } from '../support/closedAddress';

const run = promisify(execFile);
const BROKERS = process.env.SENTINEL_TEST_KAFKA_BROKERS;

/** infra/scripts/kafka-answers.mjs's exit code for this address: 0 when a Kafka broker answers there. */
async function answers(address: string): Promise<number> {
  try {
    await run('node', ['infra/scripts/kafka-answers.mjs', address]);
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

// kafka.sh takes a broker for "already up" (and for started) only when it answers ApiVersions: with
// a bare TCP connect, any program on the port passed for Kafka.
describe('kafka-answers.mjs', () => {
  let http: Server;
  beforeAll(async () => {
    http = createServer((_req, res) => res.writeHead(400).end('not Kafka'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => http.close(() => r())));

  // `make services` starts the broker and names it in .sentinel/services.env, as for the stream tests.
  it.skipIf(!BROKERS)('says yes for the real broker', async () => {
    expect(await answers(BROKERS!.split(',')[0])).toBe(0);
  });

  it('says no for another program on the port, and for a closed port', async () => {
    expect(await answers(`127.0.0.1:${(http.address() as AddressInfo).port}`)).toBe(1);
    expect(await answers(await closedAddress())).toBe(1);
  });
});
