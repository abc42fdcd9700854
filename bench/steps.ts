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

/** The batch pipeline of issue 17: their summed wall time is the end-to-end throughput. */
const DATA_STEPS = ['ingest', 'parse', 'features', 'train', 'score'];

export function benchSteps(logs = 1_000_000, only?: readonly string[], print = true): Record<string, unknown>[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SENTINEL_LAKE: `file://${dir}/lake`, SENTINEL_EMBEDDED_DB_DIR: `${dir}/pg`, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const hasTime = existsSync('/usr/bin/time');
  const steps: [string, string[] | ((run: number) => string[]), (r: Record<string, number>) => number][] = [
    ['generate', ['generate', '--from', DATE, '--logs-per-day', String(logs)], (r) => r.logs],
    ['ingest', ['ingest', '--date', DATE], (r) => r.read],
    ['parse', ['parse', '--date', DATE], (r) => r.rows],
    ['features', ['features', '--date', DATE], (r) => r.events ?? r.rows ?? r.windows],
    // A rerun on the same Gold and params reuses the registered version (a fingerprint hit, no
    // training): runs after the first train a model of another name, so all three train. The first
    // also creates the embedded database; score uses its model ("sentinel").
    ['train', (run) => ['train', '--from', DATE, '--to', DATE, ...(run ? ['--name', `bench-run-${run}`] : [])], (r) => r.windows],
    ['score', ['score', '--date', DATE], (r) => r.windows],
    ['monitor', ['monitor', '--date', DATE], () => 1],
    ['alert', ['alert', '--date', DATE], (r) => r.anomalies],
    ['report', ['report', '--from', DATE, '--to', DATE, '--format', 'json'], (r) => r.anomalies],
  ];
  const rows: Record<string, unknown>[] = [];
  try {
    for (const [name, argsOf, count] of steps.filter(([name]) => !only || only.includes(name))) {
      // Reruns replace the partition, so the data steps run three times: the median is what a
      // 2-core machine with background noise does typically (single runs varied by ±10 %). monitor
      // too, which only reads: its peak RSS is in the scale table, and one run of it varied by 30 MB.
      const runs = DATA_STEPS.includes(name) || name === 'monitor' ? 3 : 1;
      const timings: number[] = [];
      let n = 0;
      let rssMb = 0;
      for (let r = 0; r < runs; r++) {
        const args = typeof argsOf === 'function' ? argsOf(r) : argsOf;
        const cmd = hasTime ? ['/usr/bin/time', ['-f', 'maxrss_kb=%M', 'node', 'bin/sentinel.mjs', ...args]] : ['node', ['bin/sentinel.mjs', ...args]];
        const started = performance.now();
        const out = spawnSync(cmd[0] as string, cmd[1] as string[], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
        timings.push((performance.now() - started) / 1000);
        if (out.status !== 0) throw new Error(`${name} exited ${out.status}: ${out.stderr.slice(-1500)}`);
        const result = JSON.parse(out.stdout.trim().split('\n').pop()!);
        const rss = /maxrss_kb=(\d+)/.exec(out.stderr)?.[1];
        n = Number(count(result)) || 0;
        rssMb = Math.max(rssMb, rss ? Number(rss) / 1024 : NaN);
      }
      const seconds = timings.sort((a, b) => a - b)[Math.floor(timings.length / 2)];
      rows.push({ step: name, rows: n, seconds, rowsPerSecond: n / seconds, peakRssMb: rssMb });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const dataSteps = rows.filter((r) => DATA_STEPS.includes(r.step as string));
  const endToEndSeconds = dataSteps.reduce((sum, r) => sum + (r.seconds as number), 0);
  const endToEnd = {
    step: `end to end (${DATA_STEPS.join('+')})`,
    rows: logs,
    seconds: endToEndSeconds,
    rowsPerSecond: logs / endToEndSeconds,
    peakRssMb: Math.max(...dataSteps.map((r) => r.peakRssMb as number)),
  };
  if (print) {
    printTable(
      `Steps on ${logs.toLocaleString('en')} generated logs (one process per step, bundled CLI, embedded PostgreSQL)`,
      ['step', 'rows', 'seconds', 'rows/s', 'peak RSS MB'],
      [...rows, endToEnd].map((r) => [r.step as string, r.rows as number, r.seconds as number, r.rowsPerSecond as number, r.peakRssMb as number]),
      'rows: input records (generate: written lines; train/score: windows; alert/report: anomalies). Wall time includes Node start-up and the embedded database; data steps: median of 3 runs.',
    );
  }
  return [...rows, endToEnd];
}

/** Peak memory must not grow with the partition: the data steps at 1M and at 10× that. */
export function benchScale(logs = 1_000_000, factor = 10): Record<string, unknown>[] {
  const only = ['generate', 'ingest', 'parse', 'features', 'train', 'score', 'monitor'];
  const small = benchSteps(logs, only, false);
  const large = benchSteps(logs * factor, only, false);
  const rows = small.map((r, i) => ({
    step: r.step,
    small: r.peakRssMb,
    large: large[i].peakRssMb,
    smallRate: r.rowsPerSecond,
    largeRate: large[i].rowsPerSecond,
  }));
  printTable(
    `Peak RSS as the partition grows ${factor}× (${logs.toLocaleString('en')} → ${(logs * factor).toLocaleString('en')} logs in one date)`,
    ['step', `RSS MB ${logs / 1e6}M`, `RSS MB ${(logs * factor) / 1e6}M`, `rows/s ${logs / 1e6}M`, `rows/s ${(logs * factor) / 1e6}M`],
    rows.map((r) => [r.step as string, r.small as number, r.large as number, r.smallRate as number, r.largeRate as number]),
  );
  return rows;
}

export function ensureBuilt(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
