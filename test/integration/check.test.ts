import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { openStore } from '../../shared/store/openStore';
import { run as check } from '../../tasks/check/command';
import type { CheckResult } from '../../tasks/check/table';
import { closedAddress } from '../support/closedAddress';
import { createTestDatabase, createTestLake } from '../support/services';

/**
 * `sentinel check` against the real services of `make test`: every check passes on the settings the
 * steps use, and with broken settings every check still runs, fails, and says why and what to set.
 */
const BROKERS = process.env.SENTINEL_TEST_KAFKA_BROKERS;
const MLFLOW = process.env.SENTINEL_TEST_MLFLOW_URI;
const log = createLogger('warn');
let lake: string;
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  lake = await createTestLake();
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('sentinel check', () => {
  it('passes on the services the steps use, and leaves nothing in the lake', async () => {
    const env = {
      ...process.env,
      SENTINEL_LAKE: lake,
      DATABASE_URL: db.url,
      ...(BROKERS ? { SENTINEL_KAFKA_BROKERS: BROKERS } : {}),
      ...(MLFLOW ? { MLFLOW_TRACKING_URI: MLFLOW } : {}),
    };
    const result = await check({ json: true }, { env, log });
    const status = Object.fromEntries(result.checks.map((c) => [c.name, c.status]));
    expect(status).toEqual({ lake: 'ok', database: 'ok', kafka: BROKERS ? 'ok' : 'skipped', mlflow: MLFLOW ? 'ok' : 'skipped' });
    expect(result.checks.find((c) => c.name === 'database')!.detail).toMatch(/PostgreSQL \d+.*schema version (\d+) of \1/);
    if (BROKERS) expect(result.checks.find((c) => c.name === 'kafka')!.detail).toMatch(/: cluster .+, 1 broker$/s);
    expect(await openStore(lake).list('')).toEqual([]);
  });

  it('runs every check when they fail, names each reason and the settings, hides the password, and exits 3', async () => {
    const DEAD = await closedAddress();
    const env = {
      ...process.env,
      SENTINEL_FROM_SOURCE: '1',
      SENTINEL_LAKE: `s3://no-such-bucket-${Date.now()}/lake`,
      DATABASE_URL: `postgres://sentinel:hunter2@${DEAD}/nowhere`,
      SENTINEL_KAFKA_BROKERS: DEAD,
      MLFLOW_TRACKING_URI: `http://${DEAD}`,
    };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile('node', ['bin/sentinel.mjs', 'check', '--json'], { env, timeout: 60_000 }, (_err, out, err) =>
        resolve({ code: child.exitCode, stdout: out, stderr: err }),
      );
    });
    expect(code).toBe(3);
    expect(stderr.trim().split('\n').at(-1)).toBe('sentinel: 4 of 4 checks failed (lake, database, kafka, mlflow): see `checks`');
    const { checks } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { checks: CheckResult[] };
    const detail = Object.fromEntries(checks.map((c) => [c.name, `${c.status}: ${c.detail}`]));
    // Each: the reason first, as the adapter words it, then the settings to look at.
    expect(detail.lake).toMatch(/^failed: .*NoSuchBucket.*\(settings: SENTINEL_LAKE or --lake; for s3:\/\/ AWS_/);
    expect(detail.database.startsWith(`failed: cannot use PostgreSQL at postgres://sentinel:***@${DEAD}/nowhere: connect ECONNREFUSED `)).toBe(true);
    expect(detail.database).toContain('(settings: DATABASE_URL;');
    expect(detail.kafka.startsWith(`failed: Kafka at ${DEAD} did not answer a metadata request: `)).toBe(true);
    expect(detail.kafka).toContain('(settings: SENTINEL_KAFKA_BROKERS');
    expect(detail.mlflow.startsWith(`failed: cannot reach http://${DEAD}/: connect ECONNREFUSED `)).toBe(true);
    expect(detail.mlflow).toContain('(settings: MLFLOW_TRACKING_URI');
    expect(stdout + stderr).not.toContain('hunter2');
  });
});
