import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';

/**
 * A server that ends an idle pooled connection (a restart, `pg_terminate_backend`, `DROP DATABASE
 * … WITH (FORCE)`) must not crash a long-running process such as `stream`: without a listener,
 * node-postgres turns it into an uncaught exception, which also fails this test run.
 */
describe('database connections against real PostgreSQL', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    database = await openDatabase({ databaseUrl: db.url, embeddedDbDir: 'unused' }, createLogger('silent'));
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('an idle connection ended by the server is dropped, and the next query reconnects', async () => {
    const pid = (await database.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    expect(database.pool.idleCount).toBe(1);

    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      expect((await admin.query('SELECT pg_terminate_backend($1) AS ok', [pid])).rows[0].ok).toBe(true);
    } finally {
      await admin.end();
    }
    const deadline = Date.now() + 10_000;
    while (database.pool.idleCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(database.pool.idleCount).toBe(0);

    const next = (await database.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    expect(next).not.toBe(pid);
  });
});
