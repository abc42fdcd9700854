/**
 * A digest of a committed lake table (rows, and a hash of each column's values in order), to check
 * that a faster build writes the same data: `npx tsx bench/tableDigest.ts LAKE_DIR DATE TABLE...`
 * with TABLE one of bronze/logs, bronze/quarantine, silver/logs, gold/windows, ...
 */
import { createHash } from 'node:crypto';
import { createLocalStore } from '../shared/store/localStore';
import { readPartition } from '../shared/lake';
import * as schemas from '../shared/schemas';
import type { TableSpec } from '../shared/parquet';

const [dir, date, ...tables] = process.argv.slice(2);
const store = createLocalStore(dir);
const specs = Object.values(schemas).filter((v): v is TableSpec => typeof v === 'object' && v !== null && 'path' in v && 'columns' in v);
for (const table of tables) {
  const spec = specs.find((s) => s.path === table);
  if (!spec) throw new Error(`unknown table ${table}`);
  const hashes = new Map(spec.columns.map((c) => [c.name, createHash('sha256')]));
  let rows = 0;
  for await (const batch of readPartition(store, spec, date)) {
    rows += batch.rows;
    for (const c of spec.columns) {
      const values = batch.columns[c.name];
      const h = hashes.get(c.name)!;
      for (let i = 0; i < batch.rows; i++)
        h.update(`${values[i] === null ? '\u0000null' : typeof values[i] === 'number' && Object.is(values[i], -0) ? '-0' : String(values[i])}\n`);
    }
  }
  console.log(`${table} rows=${rows}`);
  for (const [name, h] of hashes) console.log(`  ${name} ${h.digest('hex').slice(0, 16)}`);
}
