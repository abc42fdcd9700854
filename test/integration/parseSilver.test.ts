import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { readPartitionAll, requireManifest, sha256 } from '../../shared/lake';
import { decodeParquet } from '../../shared/parquet';
import { ParquetEncoder } from '../../shared/parquetEncoder';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { bronzeLogs, silverLogs } from '../../shared/schemas';
import { openStore } from '../../shared/store/openStore';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';

/**
 * Silver as parse writes it column by column (params as JSON bytes from the message, messages
 * decoded a slice at a time, the time passed through) against what the miner's `add` gives row by
 * row, on a file lake: messages to normalize in several slices, parameters to escape, and
 * non-ASCII text.
 */
const DATE = '2026-05-04';
const log = createLogger('warn');
let dir: string;
let lake: string;

/** A message per row: most regular, some with spaces to collapse, quotes, backslashes or non-ASCII in their values. */
function messageAt(i: number): string {
  switch (i % 7) {
    case 0:
      return `GET /api/v1/orders/o-${(i * 2654435761).toString(16).slice(0, 8)} 200 in ${i % 300}ms from 10.0.${i % 256}.${i % 11}`;
    case 1:
      return i % 5 === 1 ? `  user\tu-${i}   logged\nin ` : `user u-${i} logged in`;
    case 2:
      return `key ${i} is "ké\\y${i}" in ${(i % 97) / 10}ms`;
    case 3:
      return `Push ${i} délivré à l'appareil ✓ of user u-${i % 50}`;
    case 4:
      return `Stock level for SKU-${10000 + (i % 900)} at warehouse ams-${i % 3} is ${i % 500} units (${(i % 90) / 10}ms)`;
    case 5:
      return `session s-${i} closed after ${i % 1000} requests`;
    default:
      return `payment p-${i} failed: card declined`;
  }
}
const ROWS = 20_000;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentinel-parse-'));
  lake = `file://${dir}/lake`;
  const landing = path.join(dir, 'lake', 'landing', `date=${DATE}`);
  await mkdir(landing, { recursive: true });
  const start = Date.parse(`${DATE}T00:00:00Z`);
  const lines = Array.from({ length: ROWS }, (_, i) =>
    JSON.stringify({ ts: new Date(start + i * 4000).toISOString(), service: i % 9 === 0 ? ' api ' : 'api', level: 'INFO', message: messageAt(i) }),
  );
  await writeFile(path.join(landing, 'logs-00000.jsonl.gz'), gzipSync(lines.join('\n')));
  await ingest({ date: DATE, lake }, { log });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parse writes Silver', () => {
  it('with the normalized message, template and JSON parameters that mining each row gives, and Bronze times', async () => {
    const result = await parse({ date: DATE, lake }, { log });
    expect(result).toMatchObject({ rows: ROWS });
    const store = openStore(lake);
    const bronze = await readPartitionAll(store, bronzeLogs, DATE);
    const silver = await readPartitionAll(store, silverLogs, DATE);
    expect(silver.rows).toBe(ROWS);
    const miner = createTemplateMiner();
    const expected = { message: [] as string[], template_id: [] as string[], template: [] as string[], params: [] as string[] };
    for (const raw of bronze.columns.message as string[]) {
      const message = raw.replace(/\s+/g, ' ').trim();
      const mined = miner.add(message);
      expected.message.push(message);
      expected.template_id.push(mined.templateId);
      expected.template.push(mined.template);
      expected.params.push(JSON.stringify(mined.params));
    }
    for (const column of ['message', 'template_id', 'template', 'params'] as const) expect(silver.columns[column], column).toEqual(expected[column]);
    expect(expected.message).toContain(`user u-${(1 % 5) + 35} logged in`);
    expect((bronze.columns.message as string[]).filter((m, i) => m !== expected.message[i]).length).toBe(Math.ceil(ROWS / 35));
    expect(Array.from(silver.columns.ts as Float64Array)).toEqual(Array.from(bronze.columns.ts as Float64Array));
    expect(new Set(silver.columns.service as string[])).toEqual(new Set(['api']));
    // A parameter with a quote, a backslash and a non-ASCII letter, escaped as JSON.stringify does.
    expect((silver.columns.params as string[])[702]).toContain(JSON.stringify('"ké\\y702"'));
  });

  it("as the bytes the writer writes for the table read back: Bronze's column chunks spliced in, the rest encoded", async () => {
    const store = openStore(lake);
    const manifest = await requireManifest(store, silverLogs, DATE);
    const bronze = await readPartitionAll(store, bronzeLogs, DATE);
    for (const file of manifest.files) {
      const bytes = await store.get(file.key);
      expect(sha256(bytes)).toBe(file.sha256);
      const silver = decodeParquet(silverLogs, bytes);
      expect(Buffer.from(await new ParquetEncoder().encode(silverLogs, silver)).equals(Buffer.from(bytes)), file.key).toBe(true);
      for (const column of ['level', 'host', 'latency_ms', 'status', 'user_id', 'session_id', 'trace_id', 'label', 'source_file', 'source_line'])
        expect(silver.columns[column], column).toEqual(bronze.columns[column]);
    }
  });
});
