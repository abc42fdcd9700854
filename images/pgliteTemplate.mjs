// A pre-initialized embedded database (PGlite's initdb output, gzipped tar) beside the bundle:
// creating the embedded database then unpacks it (PGlite's `loadDataDir`) instead of running
// initdb, ~1 CPU s instead of ~4.5 s and 400 MB less peak RSS (decision 80). The file
// name carries the PGlite version, so a bundle never loads a data directory of another PostgreSQL.
import { PGlite } from '@electric-sql/pglite';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pgliteDir = new URL('../node_modules/@electric-sql/pglite/', import.meta.url);
export const pgliteVersion = JSON.parse(readFileSync(new URL('package.json', pgliteDir), 'utf8')).version;
/** The template's file name (shared/db/embeddedTemplate.ts `templateFileName` reads the same). */
export const templateName = `pglite-datadir-${pgliteVersion}.tar.gz`;

export async function writeTemplate(outDir) {
  const db = await PGlite.create();
  try {
    const tarball = await db.dumpDataDir('gzip');
    const file = fileURLToPath(new URL(templateName, outDir));
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
    return file;
  } finally {
    await db.close();
  }
}
