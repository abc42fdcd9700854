import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { openDatabase } from '../../shared/db/database';
import { findTemplate, templateFileName } from '../../shared/db/embeddedTemplate';
import { EXIT, exitCodeOf } from '../../shared/errors';
import { pgliteVersion, writeTemplate } from '../../images/pgliteTemplate.mjs';

/**
 * A new embedded database is unpacked from the build's pre-initialized data directory instead of
 * running initdb (decision 80): it must be the same database initdb makes, migrated
 * the same way, and reopen as itself.
 */
const log = createLogger('silent');
let root: string;
let template: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sentinel-template-'));
  template = await writeTemplate(pathToFileURL(`${root}/`));
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What a step sees of a database: its tables and columns, and the settings that shape values. */
async function shape(dir: string, embeddedTemplate: string | null) {
  const db = await openDatabase({ embeddedDbDir: dir, embeddedTemplate }, log);
  try {
    const columns = await db.pool.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const settings = await db.pool.query(
      `SELECT name, setting FROM pg_settings WHERE name IN ('server_encoding', 'lc_collate', 'lc_ctype', 'TimeZone', 'DateStyle', 'server_version') ORDER BY name`,
    );
    const migrations = await db.pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
    return { columns: columns.rows, settings: settings.rows, migrations: migrations.rows };
  } finally {
    await db.close();
  }
}

describe('embedded database from the pre-initialized data directory', () => {
  it('names the template after the installed PGlite, and finds only that one', async () => {
    expect(template.endsWith(templateFileName(pgliteVersion))).toBe(true);
    const dir = join(root, 'lookup');
    await mkdir(dir);
    expect(findTemplate([pathToFileURL(`${dir}/`)])).toBeUndefined();
    await writeFile(join(dir, templateFileName('0.0.1')), 'another PGlite');
    expect(findTemplate([pathToFileURL(`${dir}/`)])).toBeUndefined();
    await copyFile(template, join(dir, templateFileName(pgliteVersion)));
    expect(findTemplate([pathToFileURL(`${dir}/`)])).toBe(join(dir, templateFileName(pgliteVersion)));
  });

  it('creates the same migrated database as initdb does, in a fresh directory', async () => {
    const fromTemplate = await shape(join(root, 'from-template'), template);
    const fromInitdb = await shape(join(root, 'from-initdb'), null);
    expect(fromTemplate.migrations.length).toBeGreaterThan(0);
    expect(fromTemplate.columns.length).toBeGreaterThan(0);
    expect(fromTemplate).toEqual(fromInitdb);
  }, 180_000);

  it('reads the template when it creates: a damaged one is a clear exit-3 error, not a silent initdb', async () => {
    const bogus = join(root, 'damaged.tar.gz');
    await writeFile(bogus, 'not a tarball');
    const err = await openDatabase({ embeddedDbDir: join(root, 'from-damaged'), embeddedTemplate: bogus }, log).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(/cannot open the embedded database/);
  }, 60_000);

  it('reopens an existing database as it is: its rows stay, the template is not read', async () => {
    const dir = join(root, 'reopen');
    const first = await openDatabase({ embeddedDbDir: dir, embeddedTemplate: template }, log);
    await first.pool.query('CREATE TABLE kept (x integer)');
    await first.pool.query('INSERT INTO kept VALUES (42)');
    await first.close();
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    // A template that is not a tarball would fail the open if it were read.
    const bogus = join(root, 'not-a-tarball.tar.gz');
    await writeFile(bogus, 'not a tarball');
    const again = await openDatabase({ embeddedDbDir: dir, embeddedTemplate: bogus }, log);
    try {
      expect((await again.pool.query('SELECT x FROM kept')).rows).toEqual([{ x: 42 }]);
    } finally {
      await again.close();
    }
  }, 120_000);
});
