/**
 * Parquet writer settings measured on a lake's real parts (decision 82): each part of
 * a table is read once into an Arrow IPC stream, then encoded under each setting and read back.
 * Prints CPU ms of this thread to write and to read all parts (median of the rounds) and the bytes.
 * Usage: npx tsx bench/parquetWriteSettings.ts <lake dir> <table path, e.g. silver/logs> [rounds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as pw from 'parquet-wasm';
import { bronzeLogs, silverLogs } from '../shared/schemas';

const [lake, table, roundsArg] = process.argv.slice(2);
if (!lake || !table) throw new Error('usage: bench/parquetWriteSettings.ts <lake dir> <table path> [rounds]');
const rounds = Number(roundsArg ?? 3);
const dir = path.join(lake, table);
const parts: Uint8Array[] = [];
for (const date of readdirSync(dir))
  for (const f of readdirSync(path.join(dir, date)))
    if (f.endsWith('.parquet')) parts.push(pw.readParquet(readFileSync(path.join(dir, date, f))).intoIPCStream());

const spec = [bronzeLogs, silverLogs].find((s) => s.path === table);
const plain = spec ? spec.columns.filter((c) => c.unique).map((c) => c.name) : [];
const times = spec ? spec.columns.filter((c) => c.type === 'timestamp_ms').map((c) => c.name) : [];

type Settings = (b: pw.WriterPropertiesBuilder) => pw.WriterPropertiesBuilder;
/** The writer before this change: ZSTD, 131,072-row groups, no dictionary for unique columns, page statistics. */
const before: Settings = (b) =>
  plain.reduce((x, n) => x.setColumnDictionaryEnabled(n, false), b.setCompression(pw.Compression.ZSTD).setMaxRowGroupSize(131_072));
const timeOnlyStats: Settings = (b) => b.setStatisticsEnabled(pw.EnabledStatistics.None).setColumnStatisticsEnabled('ts', pw.EnabledStatistics.Chunk);
const variants: [string, Settings][] = [
  ['warm-up (before)', before],
  ['before: v1 pages, page statistics', before],
  ['statistics per chunk', (b) => before(b).setStatisticsEnabled(pw.EnabledStatistics.Chunk)],
  ['no statistics', (b) => before(b).setStatisticsEnabled(pw.EnabledStatistics.None)],
  ['statistics on ts only (chunk)', (b) => timeOnlyStats(before(b))],
  ['v2 pages', (b) => before(b).setWriterVersion(pw.WriterVersion.V2)],
  ['v2 pages, statistics on ts only (chunk)', (b) => timeOnlyStats(before(b).setWriterVersion(pw.WriterVersion.V2))],
  [
    'after + times without dictionary (delta)',
    (b) => times.reduce((x, n) => x.setColumnDictionaryEnabled(n, false), timeOnlyStats(before(b).setWriterVersion(pw.WriterVersion.V2))),
  ],
  ['4 MB data pages', (b) => before(b).setDataPageSizeLimit(4 * 1024 * 1024)],
  ['LZ4_RAW', (b) => before(b).setCompression(pw.Compression.LZ4_RAW)],
  ['SNAPPY', (b) => before(b).setCompression(pw.Compression.SNAPPY)],
  ['uncompressed', (b) => before(b).setCompression(pw.Compression.UNCOMPRESSED)],
];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, settings] of variants) {
  const writes: number[] = [];
  const reads: number[] = [];
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuMs();
    const written = parts.map((p) => pw.writeParquet(pw.Table.fromIPCStream(p), settings(new pw.WriterPropertiesBuilder()).build()));
    writes.push(cpuMs() - t0);
    bytes = written.reduce((sum, w) => sum + w.length, 0);
    const t1 = cpuMs();
    for (const w of written) pw.readParquet(w).free();
    reads.push(cpuMs() - t1);
  }
  console.log(
    `${name.padEnd(48)} write ${median(writes).toFixed(0).padStart(5)} ms  read ${median(reads).toFixed(0).padStart(4)} ms  ${(bytes / 1e6).toFixed(2)} MB`,
  );
}
