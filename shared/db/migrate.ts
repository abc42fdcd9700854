import type pg from 'pg';
import { migrations, type Migration } from './migrations';

/**
 * Applies pending migrations in one transaction each. An advisory lock makes concurrent steps
 * (parallel Airflow pods on first deploy) wait instead of racing to create the same tables.
 */
const LOCK_ID = 73_210_311;

export async function migrate(client: pg.ClientBase, list: readonly Migration[] = migrations): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
  }
}

/** The server's version and the newest migration applied: what `sentinel check` reports of the database. */
export async function describeSchema(pool: pg.Pool): Promise<{ server: string; schemaVersion: number; latest: number }> {
  const server = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  const applied = (await pool.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')).rows[0].version ?? 0;
  return { server, schemaVersion: applied, latest: Math.max(...migrations.map((m) => m.version)) };
}
