import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { quietAwsSdkNodeWarning } from '../../shared/config';

/**
 * The real services the integration tests use. `make test` starts them
 * (infra/scripts/services.sh up); the defaults below match that script. No mocks: when a service
 * is down the tests fail and say how to start it.
 */
export const TEST_DATABASE_URL = process.env.SENTINEL_TEST_DATABASE_URL ?? 'postgres://sentinel:ls-pg-3b9d@127.0.0.1:5432/sentinel_test';
export const TEST_S3_ENV = {
  AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3 ?? 'http://127.0.0.1:9000',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'ls-minio-7f3a',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'ls-minio-secret-5c2e',
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
};
export const TEST_BUCKET = process.env.SENTINEL_TEST_BUCKET ?? 'sentinel-test';

const HINT = 'start the test services with `infra/scripts/services.sh up` (make test does this)';

/** A fresh database per test file, dropped afterwards, so files can run in parallel. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sentinel_t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}: ${HINT}`, { cause: err });
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Sets the AWS variables for MinIO, ensures the bucket, and returns a unique lake URI. */
export async function createTestLake(): Promise<string> {
  Object.assign(process.env, TEST_S3_ENV);
  quietAwsSdkNodeWarning(); // as the steps do: nine lines of "node >= 22" per test file otherwise
  const client = new S3Client({ forcePathStyle: true, region: TEST_S3_ENV.AWS_REGION });
  try {
    await client.send(new HeadBucketCommand({ Bucket: TEST_BUCKET }));
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) await client.send(new CreateBucketCommand({ Bucket: TEST_BUCKET }));
    else throw new Error(`MinIO is not reachable at ${TEST_S3_ENV.AWS_ENDPOINT_URL_S3}: ${HINT}`, { cause: err });
  }
  return `s3://${TEST_BUCKET}/run-${randomUUID().slice(0, 8)}`;
}
