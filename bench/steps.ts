/**
 * Throughput and peak memory per step on 1M generated logs: each step runs as its own process
 * (the bundled CLI, as in a container), timed, with peak RSS from GNU time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printTable } from './table';

const DATE = '2026-01-05';

export function benchSteps(logs = 1_000_000): Record<string, unknown>[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SENTINEL_LAKE: `file://${dir}/lake`, SENTINEL_EMBEDDED_DB_DIR: `${dir}/pg`, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const hasTime = existsSync('/usr/bin/time');
  const steps: [string, string[], (r: any) => number][] = [
    ['generate', ['generate', '--from', DATE, '--logs-per-day', String(logs)], (r) => r.logs],
    ['ingest', ['ingest', '--date', DATE], (r) => r.read],
    ['parse', ['parse', '--date', DATE], (r) => r.rows],
    ['features', ['features', '--date', DATE], (r) => r.events ?? r.rows ?? r.windows],
    ['train', ['train', '--from', DATE, '--to', DATE], (r) => r.windows],
    ['score', ['score', '--date', DATE], (r) => r.windows],
    ['monitor', ['monitor', '--date', DATE], (r) => 1],
    ['alert', ['alert', '--date', DATE], (r) => r.anomalies],
    ['report', ['report', '--from', DATE, '--to', DATE, '--format', 'json'], (r) => r.anomalies],
  ];
  const rows: Record<string, unknown>[] = [];
  try {
    for (const [name, args, count] of steps) {
      const cmd = hasTime ? ['/usr/bin/time', ['-f', 'maxrss_kb=%M', 'node', 'bin/sentinel.mjs', ...args]] : ['node', ['bin/sentinel.mjs', ...args]];
      const started = performance.now();
      const out = spawnSync(cmd[0] as string, cmd[1] as string[], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const seconds = (performance.now() - started) / 1000;
      if (out.status !== 0) throw new Error(`${name} exited ${out.status}: ${out.stderr.slice(-1500)}`);
      const result = JSON.parse(out.stdout.trim().split('\n').pop()!);
      const rss = /maxrss_kb=(\d+)/.exec(out.stderr)?.[1];
      const n = Number(count(result)) || 0;
      rows.push({ step: name, rows: n, seconds, rowsPerSecond: n / seconds, peakRssMb: rss ? Number(rss) / 1024 : NaN });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    `Steps on ${logs.toLocaleString('en')} generated logs (one process per step, bundled CLI, embedded PostgreSQL)`,
    ['step', 'rows', 'seconds', 'rows/s', 'peak RSS MB'],
    rows.map((r) => [r.step as string, r.rows as number, r.seconds as number, r.rowsPerSecond as number, r.peakRssMb as number]),
    'rows: input records (generate: written lines; train/score: windows; alert/report: anomalies). Wall time includes Node start-up and the embedded database.',
  );
  return rows;
}

export function ensureBuilt(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
