import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestLake, TEST_S3_ENV } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openStore } from '../../shared/store/openStore';
import { readManifest } from '../../shared/lake';
import { bronzeLogs } from '../../shared/schemas';
import { run as generate } from '../../tasks/generate/command';

/**
 * A real step image, built by images/build.sh and run through the Docker engine API (dockerode)
 * against MinIO and PostgreSQL on the host network: what DockerOperator and a Kubernetes pod run.
 */
const docker = new Docker();
const IMAGE = 'log-sentinel/ingest:dev';
const DATE = '2026-05-04';
let lake: string;
let dbUrl: string;
let drop: () => Promise<void>;

/** The image with these arguments; `entrypoint` replaces `sentinel <step>` (e.g. another command of the CLI it holds). */
async function runStep(
  args: string[],
  entrypoint?: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const env = { ...TEST_S3_ENV, AWS_S3_FORCE_PATH_STYLE: 'true', DATABASE_URL: dbUrl, SENTINEL_LAKE: lake, LOG_LEVEL: 'info', ...extraEnv };
  const [result] = await docker.run(IMAGE, args, [out, err], {
    Tty: false,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    // As the Kubernetes pods run it (dags/sentinel_infra/factory.py): the image's non-root user, a read-only
    // root filesystem with only /tmp writable, no capabilities, no privilege escalation.
    User: '1000:1000',
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    HostConfig: {
      NetworkMode: 'host',
      AutoRemove: true,
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=256m' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    },
  });
  return { code: (result as { StatusCode: number }).StatusCode, stdout, stderr };
}

describe.runIf(process.env.SENTINEL_TEST_DOCKER === '1')('step image', () => {
  beforeAll(async () => {
    // Builds only the ingest image (cached layers make reruns fast).
    await promisify(execFile)('images/build.sh', ['ingest'], { maxBuffer: 64 * 1024 * 1024 });
    lake = await createTestLake();
    ({ url: dbUrl, drop } = await createTestDatabase());
    await generate({ from: DATE, days: 1, logsPerDay: 5_000, seed: 5, lake }, { log: createLogger('silent') });
  }, 600_000);

  afterAll(async () => {
    await drop?.();
  });

  it('runs as a non-root user with OCI labels', async () => {
    const info = await docker.getImage(IMAGE).inspect();
    expect(info.Config.User).not.toMatch(/^(|0|root)$/);
    // The uid the pods' securityContext names (dags/sentinel_infra/config.py RUN_AS_USER).
    expect(info.Config.User).toBe('1000:1000');
    expect(Object.keys(info.Config.Labels ?? {})).toEqual(
      expect.arrayContaining(['org.opencontainers.image.version', 'org.opencontainers.image.revision', 'org.opencontainers.image.source']),
    );
  });

  it('ingests a partition from MinIO and prints its JSON result', async () => {
    const r = await runStep(['--date', DATE]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(result.read).toBe(result.written + result.quarantined);
    expect((await readManifest(openStore(lake), bronzeLogs, DATE))?.rows).toBe(result.written);
  }, 120_000);

  it('holds the whole CLI: `check` loads the Kafka client and reaches MinIO, PostgreSQL and Kafka', async () => {
    // The Kafka client reads a wasm file at load; in the images it once looked for it outside /app, so
    // `stream` (and `check`) failed at start in their image while passing from dist/.
    const brokers = process.env.SENTINEL_TEST_KAFKA_BROKERS;
    const r = await runStep([], ['node', '/app/sentinel.mjs', 'check'], brokers ? { SENTINEL_KAFKA_BROKERS: brokers } : {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lake +ok .* s3:\/\//m);
    expect(r.stdout).toMatch(/^database +ok .*PostgreSQL \d+/m);
    expect(r.stdout).toMatch(brokers ? /^kafka +ok .*cluster .+, 1 broker$/m : /^kafka +skipped/m);
  }, 120_000);

  it('exits 2 with a clear message on bad arguments', async () => {
    const r = await runStep(['--date', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/date.*YYYY-MM-DD/i);
  }, 120_000);
});
