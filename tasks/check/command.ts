import * as z from 'zod';
import { describeSchema } from '../../shared/db/migrate';
import { ExternalServiceError } from '../../shared/errors';
import { describeCluster, kafkaSettings } from '../../shared/kafka';
import { redactUrl } from '../../shared/logger';
import { mlflowAnswers } from '../../shared/mlflow';
import { runStep, type StepContext, type StepOptions } from '../../shared/runtime';
import { parseOptions } from '../options';
import { formatChecks, type CheckResult } from './table';

export const checkOptions = z.object({
  json: z.boolean().default(false),
  lake: z.string().optional(),
});

/** A check: what it found (ok), undefined when the service is not configured (skipped); throws when it fails. */
type Probe = (ctx: StepContext) => Promise<string | undefined>;

/** The lake: a probe object written, read back and deleted, with the credentials the steps use. */
const lake: Probe = async (ctx) => {
  // At the lake's root, not in a folder: a local lake keeps no empty directory after the delete.
  const key = `_sentinel-check-${ctx.runId}`;
  const bytes = new TextEncoder().encode(`sentinel check ${ctx.runId}\n`);
  await ctx.lake.put(key, bytes);
  try {
    const back = await ctx.lake.get(key);
    if (Buffer.compare(Buffer.from(back), Buffer.from(bytes)) !== 0)
      throw new Error(`${key} read back ${back.length} bytes that differ from the ${bytes.length} written`);
  } finally {
    await ctx.lake.delete([key]);
  }
  return `${ctx.lake.uri}: wrote, read back and deleted ${key}`;
};

/** The database the steps use (embedded or DATABASE_URL), opened as they open it: migrations included. */
const database: Probe = async (ctx) => {
  const db = await ctx.db();
  const { server, schemaVersion, latest } = await describeSchema(db.pool);
  const where = db.embedded ? `the embedded database in ${ctx.config.embeddedDbDir}` : redactUrl(ctx.config.databaseUrl);
  return `${where}: PostgreSQL ${server}, schema version ${schemaVersion} of ${latest}`;
};

/** The Kafka brokers of `stream`, with its TLS and SASL settings. */
const kafka: Probe = async (ctx) => {
  if (!ctx.config.kafkaBrokers?.length) return undefined;
  const settings = kafkaSettings(ctx.config, `sentinel-check-${ctx.runId}`);
  const { clusterId, brokers } = await describeCluster(settings);
  return `${settings.brokers.join(',')}: cluster ${clusterId}, ${brokers} broker${brokers === 1 ? '' : 's'}${settings.tls ? ', TLS' : ''}${settings.sasl ? `, SASL ${settings.sasl.mechanism}` : ''}`;
};

/** The MLflow tracking server `train` mirrors versions to, when one is set. */
const mlflow: Probe = async (ctx) => {
  const uri = ctx.config.mlflowTrackingUri;
  if (!uri) return undefined;
  await mlflowAnswers(uri);
  return `${redactUrl(uri)} answers its tracking API`;
};

/** The checks in order; `unset`: why an optional service's check was skipped; `fix`: the settings it depends on, named when it fails. */
const CHECKS: ReadonlyArray<{ name: string; probe: Probe; unset?: string; fix: string }> = [
  { name: 'lake', probe: lake, fix: 'SENTINEL_LAKE or --lake; for s3:// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3' },
  { name: 'database', probe: database, fix: 'DATABASE_URL; when unset, the embedded database in SENTINEL_EMBEDDED_DB_DIR' },
  {
    name: 'kafka',
    probe: kafka,
    unset: 'SENTINEL_KAFKA_BROKERS is not set (only `stream` needs Kafka)',
    fix: 'SENTINEL_KAFKA_BROKERS, SENTINEL_KAFKA_TLS, SENTINEL_KAFKA_TLS_CA_FILE, SENTINEL_KAFKA_SASL_*',
  },
  { name: 'mlflow', probe: mlflow, unset: 'MLFLOW_TRACKING_URI is not set (optional)', fix: 'MLFLOW_TRACKING_URI, optional: unset it to stop mirroring' },
];

/**
 * `sentinel check`: can this configuration reach everything the steps use? Each check runs even
 * when another failed, so one run names every problem (like `airflow db check` or
 * `kafka-broker-api-versions`, for all of log-sentinel's services at once). Exit 3 when any failed.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(checkOptions, raw, 'check');
  return runStep({ task: 'check', overrides: { lake: opts.lake, logLevel: 'warn' }, ...step }, async (ctx) => {
    const checks: CheckResult[] = [];
    for (const { name, probe, unset, fix } of CHECKS) {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      try {
        const found = await probe(ctx);
        checks.push(
          found === undefined ? { name, status: 'skipped', detail: unset ?? 'not configured', ms: ms() } : { name, status: 'ok', detail: found, ms: ms() },
        );
      } catch (err) {
        checks.push({ name, status: 'failed', detail: `${(err as Error).message.replace(/\.+$/, '')} (settings: ${fix})`, ms: ms() });
      }
    }
    const result = { passed: checks.filter((c) => c.status === 'ok').length, skipped: checks.filter((c) => c.status === 'skipped').length, checks };
    const failed = checks.filter((c) => c.status === 'failed').map((c) => c.name);
    // The table for a person; with --json only the result line, which a failure prints too (no other command's does).
    if (!opts.json) process.stdout.write(formatChecks(checks));
    else if (failed.length) process.stdout.write(`${JSON.stringify(result)}\n`);
    if (failed.length)
      throw new ExternalServiceError(
        `${failed.length} of ${checks.length} checks failed (${failed.join(', ')}): ${opts.json ? 'see `checks`' : 'see the table above'}`,
      );
    return result;
  });
}
