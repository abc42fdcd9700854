import * as z from 'zod';
import { BadInputError } from './errors';
import { redactUrl } from './logger';
import { ALL_CRASH_POINTS, type CrashPoint } from './crashPoints';

/**
 * All settings in one place. Defaults here; the environment overrides them; command flags override
 * the environment (each command passes its flags as `overrides`). Validated before any I/O.
 * AWS_* variables are read by the AWS SDK itself (endpoint, keys, region), so MinIO needs no code.
 */
/**
 * Process-wide settings, read where no step context reaches: the TensorFlow backend and the Parquet
 * worker load once per process, S3 clients are made by `openStore` wherever a URI is opened, and
 * the CLI prints its version before any step runs. Part of Config too, so every setting is here.
 */
export const processConfigSchema = z.object({
  /** Force a TensorFlow backend; default: the fastest that loads (shared/tensorflow.ts). */
  tfBackend: z.enum(['tensorflow', 'wasm', 'cpu']).optional(),
  /** Encode Parquet on a worker thread when the bundled worker is present (same bytes either way). */
  parquetWorker: z.boolean().default(true),
  /** The S3 client needs a region even for MinIO. */
  awsRegion: z.string().min(1).default('us-east-1'),
  /** Set in the image (images/Dockerfile). */
  version: z.string().min(1).default('0.1.0'),
  /** Test only: kill the process with SIGKILL at this named point (shared/crashPoints.ts, shared/faultInjection.ts). */
  faultInject: z.enum(ALL_CRASH_POINTS as [CrashPoint, ...CrashPoint[]]).optional(),
});

export type ProcessConfig = z.infer<typeof processConfigSchema>;

export const configSchema = z.object({
  ...processConfigSchema.shape,
  lake: z.string().min(1).default('file://./.sentinel/lake'),
  /** pg reads a scheme-less string as a socket path and silently connects to localhost: refuse it. */
  databaseUrl: z
    .string()
    .min(1)
    .superRefine((v, ctx) => {
      if (!/^postgres(ql)?:\/\//i.test(v))
        ctx.addIssue({ code: 'custom', message: `DATABASE_URL ${redactUrl(v)} is not a postgres://user:password@host:port/database URL` });
    })
    .optional(),
  embeddedDbDir: z.string().min(1).default('./.sentinel/pgdata'),
  /**
   * Local directories `ingest --source` may read (files and directories under them). Default: only
   * the lake's landing zone (when the lake is a local directory). s3:// sources are always allowed.
   * A trust boundary: a DAG parameter must not make a pod copy /proc/self/environ into the lake.
   */
  sourceRoots: z.array(z.string().min(1)).optional(),
  s3ForcePathStyle: z.boolean().default(true),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  runId: z.string().min(1).optional(),
  seed: z.number().int().default(42),
  /** Largest share of quarantined records before ingest fails the partition. */
  maxQuarantineShare: z.number().min(0).max(1).default(0.05),
  /** Rows per Parquet part file: bounds the memory a step needs per partition chunk. */
  rowsPerPart: z.number().int().positive().default(250_000),
  webhookUrl: z.string().url().optional(),
  webhookFormat: z.enum(['json', 'slack']).default('json'),
  /** Channels as JSON: [{"name","url","format":"json|slack","minSeverity"}]; the single webhook above is one more. */
  alertChannels: z.string().optional(),
  alertMinSeverity: z.number().min(0).max(100).default(60),
  /** Anomalous windows of one service and type this close together are one incident. */
  alertGroupGapMinutes: z.number().nonnegative().default(5),
  /** A new incident within this time of an open alert's last sighting continues that alert. */
  alertCooldownMinutes: z.number().nonnegative().default(60),
  /** Open alerts with no new anomaly for this long are resolved automatically. */
  alertQuietMinutes: z.number().positive().default(120),
  /**
   * Webhook deliveries of one alert run stop starting (and in-flight ones are cut) after this many
   * seconds; what is left stays pending for the next run. Below the alert pod's 900 s deadline.
   */
  alertDeliveryBudgetSeconds: z.number().positive().max(840).default(600),
  /** Webhook deliveries in flight at once. */
  alertDeliveryConcurrency: z.number().int().min(1).max(32).default(4),
  mlflowTrackingUri: z.string().url().optional(),
  /** Kafka bootstrap brokers for `stream` and `generate --to-kafka`: host:port, comma-separated. */
  kafkaBrokers: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'use host:port')).optional(),
  /** SASL for Kafka (all three or none); the password comes from the same Secret as the database URL. */
  kafkaSaslMechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  kafkaSaslUsername: z.string().min(1).optional(),
  kafkaSaslPassword: z.string().min(1).optional(),
  /** TLS to the brokers; with a CA file (PEM) for a private CA. */
  kafkaTls: z.boolean().default(false),
  kafkaTlsCaFile: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;

const envBoolean = (v: string | undefined) => (v === undefined ? undefined : /^(1|true|yes)$/i.test(v));
const envNumber = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));

/** Env variable → config key. Kept explicit so the README's configuration table can mirror it. */
export function configFromEnv(env: NodeJS.ProcessEnv): Partial<Config> {
  const raw = {
    lake: env.SENTINEL_LAKE,
    databaseUrl: env.DATABASE_URL,
    embeddedDbDir: env.SENTINEL_EMBEDDED_DB_DIR,
    sourceRoots: env.SENTINEL_SOURCE_ROOTS?.split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    s3ForcePathStyle: envBoolean(env.SENTINEL_S3_FORCE_PATH_STYLE),
    logLevel: env.LOG_LEVEL,
    runId: env.SENTINEL_RUN_ID,
    seed: envNumber(env.SENTINEL_SEED),
    maxQuarantineShare: envNumber(env.SENTINEL_MAX_QUARANTINE_SHARE),
    rowsPerPart: envNumber(env.SENTINEL_ROWS_PER_PART),
    webhookUrl: env.SENTINEL_WEBHOOK_URL,
    webhookFormat: env.SENTINEL_WEBHOOK_FORMAT,
    alertChannels: env.SENTINEL_ALERT_CHANNELS,
    alertMinSeverity: envNumber(env.SENTINEL_ALERT_MIN_SEVERITY),
    alertGroupGapMinutes: envNumber(env.SENTINEL_ALERT_GROUP_GAP_MINUTES),
    alertCooldownMinutes: envNumber(env.SENTINEL_ALERT_COOLDOWN_MINUTES),
    alertQuietMinutes: envNumber(env.SENTINEL_ALERT_QUIET_MINUTES),
    alertDeliveryBudgetSeconds: envNumber(env.SENTINEL_ALERT_DELIVERY_BUDGET_SECONDS),
    alertDeliveryConcurrency: envNumber(env.SENTINEL_ALERT_DELIVERY_CONCURRENCY),
    mlflowTrackingUri: env.MLFLOW_TRACKING_URI,
    kafkaBrokers: env.SENTINEL_KAFKA_BROKERS?.split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    kafkaSaslMechanism: env.SENTINEL_KAFKA_SASL_MECHANISM,
    kafkaSaslUsername: env.SENTINEL_KAFKA_SASL_USERNAME,
    kafkaSaslPassword: env.SENTINEL_KAFKA_SASL_PASSWORD,
    kafkaTls: envBoolean(env.SENTINEL_KAFKA_TLS),
    kafkaTlsCaFile: env.SENTINEL_KAFKA_TLS_CA_FILE,
    tfBackend: env.SENTINEL_TF_BACKEND,
    parquetWorker: env.SENTINEL_PARQUET_WORKER === undefined || env.SENTINEL_PARQUET_WORKER === '' ? undefined : env.SENTINEL_PARQUET_WORKER !== '0',
    awsRegion: env.AWS_REGION,
    version: env.SENTINEL_VERSION,
    faultInject: env.SENTINEL_FAULT_INJECT,
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')) as Partial<Config>;
}

function invalid(error: z.ZodError): BadInputError {
  const problems = error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return new BadInputError(`invalid configuration: ${problems}. Check the SENTINEL_* environment variables and flags (see README, Configuration).`);
}

/** The process-wide settings alone (validating only them): for code that runs outside a step. */
export function loadProcessConfig(env: NodeJS.ProcessEnv = process.env): ProcessConfig {
  const fromEnv = configFromEnv(env);
  const parsed = processConfigSchema.safeParse(Object.fromEntries(Object.keys(processConfigSchema.shape).map((k) => [k, fromEnv[k as keyof Config]])));
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const parsed = configSchema.safeParse({ ...configFromEnv(env), ...defined });
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data;
}

/**
 * The AWS SDK prints a multi-line "will require node >= 22" warning for every S3 client; the images
 * pin Node 20 on purpose. The SDK reads this variable itself, so it is set here, where the
 * environment is owned, before a client is made.
 */
export function quietAwsSdkNodeWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
