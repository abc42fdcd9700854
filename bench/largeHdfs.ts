/**
 * A large HDFS log for template mining, as bench/templates.ts builds it: hdfs-sessions (113,014
 * lines) copied N times, each copy's block ids made its own (the copy number appended), so sessions
 * do not repeat whole.
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const datasetsDir = path.resolve(repoRoot, process.env.SENTINEL_DATASETS ?? '../shared/datasets');
export const HDFS_SESSIONS_LOG = path.join(datasetsDir, 'hdfs-sessions', 'HDFS_sessions.log');
export const HDFS_SESSIONS_LINES = 113_014;

/** Writes ceil(lines / 113,014) copies to `file`; returns the number of copies. */
export async function writeLargeHdfsLog(file: string, lines: number): Promise<number> {
  if (!existsSync(HDFS_SESSIONS_LOG)) throw new Error(`no ${HDFS_SESSIONS_LOG}: set SENTINEL_DATASETS to the datasets folder`);
  const copies = Math.ceil(lines / HDFS_SESSIONS_LINES);
  const text = readFileSync(HDFS_SESSIONS_LOG, 'utf8');
  const out = createWriteStream(file);
  for (let copy = 0; copy < copies; copy++) {
    if (!out.write(text.replace(/blk_(-?\d+)/g, `blk_$1${copy}`))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return copies;
}
