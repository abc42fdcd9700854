import pg from 'pg';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger';
import { redactUrl } from '../logger';
import { ExternalServiceError } from '../errors';
import { migrate } from './migrate';
import { acquireWriterLock } from './writerLock';
import { findTemplate, readTemplate } from './embeddedTemplate';

/**
 * PostgreSQL through `pg`, always. With DATABASE_URL unset, an embedded PGlite database under
 * `.sentinel/` is served on a loopback socket (pglite-socket) so the same `pg` code runs against it:
 * one client code path for laptop and production. The embedded database admits one process at a
 * time (writerLock.ts); a failed or stuck open is an ExternalServiceError (exit 3) within seconds.
 */
export interface Database {
  readonly pool: pg.Pool;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/** Longer than a first start (initdb, ~10 s on a slow laptop); a damaged data dir fails or sticks. */
const EMBEDDED_OPEN_TIMEOUT_MS = 30_000;

/**
 * The embedded server's buffer pool. initdb's 128 MB default was touched at start-up and held in
 * every process that opens the database: `train` and `score` on 1M logs peaked 100–130 MB higher
 * with it, and the embedded database's tables (models, anomalies, alerts, runs) are small (decision 90).
 */
const EMBEDDED_SHARED_BUFFERS = '16MB';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function startEmbedded(
  dataDir: string,
  log: Logger,
  lockWaitMs: number,
  template: string | null | undefined,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const lock = await acquireWriterLock(dir, lockWaitMs);
  const started = Date.now();
  let templateFile: string | undefined;
  try {
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
    // A new database (no PG_VERSION yet) unpacks the bundle's pre-initialized data directory
    // instead of running initdb; an existing one is resumed as it is.
    templateFile = existsSync(join(dir, 'PG_VERSION')) || template === null ? undefined : (template ?? findTemplate());
    const loadDataDir = templateFile ? await readTemplate(templateFile) : undefined;
    const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`];
    const db = await withTimeout(PGlite.create(dir, { startParams, ...(loadDataDir ? { loadDataDir } : {}) }), EMBEDDED_OPEN_TIMEOUT_MS, 'PGlite start');
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const conn = server.getServerConn();
    log.debug({ dataDir: dir, conn, ms: Date.now() - started, createdFrom: templateFile }, 'embedded PostgreSQL (PGlite) started');
    return {
      url: `postgres://postgres@${conn}/postgres`,
      stop: async () => {
        try {
          await server.stop();
          await db.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (err) {
    await lock.release();
    throw new ExternalServiceError(
      `cannot open the embedded database at ${dir}${templateFile ? ` (creating it from ${templateFile})` : ''}: ${(err as Error).message.replace(/\.+$/, '')}. If it was damaged (e.g. by two processes at once), move it aside and rerun, or set DATABASE_URL.`,
      { cause: err },
    );
  }
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  embeddedDbDir: string;
  lockWaitMs?: number;
  /** A new embedded database's pre-initialized data directory (tar.gz); null runs initdb. Default: the build's template, if any. */
  embeddedTemplate?: string | null;
}

export async function openDatabase(options: OpenDatabaseOptions, log: Logger): Promise<Database> {
  const embedded = !options.databaseUrl;
  // Queue briefly behind another process (a step that is finishing), then fail with its pid.
  const emb = embedded ? await startEmbedded(options.embeddedDbDir, log, options.lockWaitMs ?? 10_000, options.embeddedTemplate) : undefined;
  const url = options.databaseUrl ?? emb!.url;
  // PGlite serves one session: a single pooled connection keeps all queries on it.
  const pool = new pg.Pool({ connectionString: url, max: embedded ? 1 : 4 });
  // An idle pooled connection that the server ends (a restart, a terminated backend) is an 'error'
  // on the pool; unheard, Node makes it an uncaught exception. The pool has already dropped that
  // connection, and the next query opens another.
  pool.on('error', (err) => log.warn({ err: err.message }, 'an idle database connection was closed by the server; the next query reconnects'));
  try {
    const client = await pool.connect();
    try {
      const applied = await migrate(client);
      if (applied.length) log.info({ applied }, 'database migrations applied');
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    await emb?.stop();
    throw new ExternalServiceError(
      `cannot use PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}. Check DATABASE_URL and that the server is running.`,
      { cause: err },
    );
  }
  return {
    pool,
    embedded,
    async close() {
      await pool.end();
      await emb?.stop();
    },
  };
}

/** Runs `fn` in a transaction on one connection. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
