/**
 * Side by side with peers on the same input, one table from one run (issue 17):
 * - our data steps (ingest, parse, features, train, score; one process each, bundled CLI, embedded
 *   PostgreSQL) against a PySpark local[2] job doing the seed's batch work on the same landing files
 *   (bench/peers/spark_job.py; its JVM and session start-up reported apart from its work);
 * - the same five steps in one process (`sentinel pipeline`, the way `demo` runs them: issue 17's
 *   own yardstick was demo's step times), each round on a fresh lake and embedded database;
 * - `sentinel templates` against Drain3 0.9.11 (default config) on 1M HDFS lines and on the message
 *   column of the 1M generated logs (bench/peers/drain3_templates.py);
 * - our `templates` peak RSS at 10M HDFS lines (flat memory).
 * Rounds are interleaved (ours, then the peer, three times) and each number is the median of 3.
 * Peers run from .venv-bench (infra/scripts/bench-venv.sh) on the machine's Java.
 */
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { benchPython, embeddedEnv } from './cli';
import { writeLargeHdfsLog } from './largeHdfs';
import { type ProcessRun, runProcess } from './processRun';
import { printTable } from './table';

const DATE = '2026-01-05';
const ROUNDS = 3;
const PYTHON = '.venv-bench/bin/python';
/** Each step's arguments in a round. A rerun of `train` on the same Gold is a fingerprint hit (no
 * training), so later rounds train a model of another name, as bench/steps.ts does; score uses the
 * first ("sentinel"). */
const OUR_STEPS: [string, (round: number) => string[]][] = [
  ['ingest', () => ['ingest', '--date', DATE]],
  ['parse', () => ['parse', '--date', DATE]],
  ['features', () => ['features', '--date', DATE]],
  ['train', (round) => ['train', '--from', DATE, '--to', DATE, ...(round ? ['--name', `bench-run-${round}`] : [])]],
  ['score', () => ['score', '--date', DATE]],
];

/** The five steps in one process, on a fresh lake and database so that train always trains. */
async function runInProcess(landing: string, roundDir: string): Promise<{ steps: number; run: ProcessRun }> {
  const env = { ...embeddedEnv(roundDir), SENTINEL_SOURCE_ROOTS: landing };
  const args = ['pipeline', '--from', DATE, '--to', DATE, '--source', `file://${landing}/date=${DATE}/`, '--lake', `file://${roundDir}/lake`];
  const run = await runProcess('node', ['bin/sentinel.mjs', ...args], env);
  const timings = (run.result as unknown as { timings: { step: string; seconds: number }[] }).timings;
  const steps = timings.filter((t) => OUR_STEPS.some(([name]) => name === t.step)).reduce((sum, t) => sum + t.seconds, 0);
  rmSync(roundDir, { recursive: true, force: true });
  return { steps, run };
}

interface Row {
  work: string;
  rows: number;
  ours?: number;
  peer?: number;
  oursRssMb?: number;
  peerRssMb?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const maxOf = (runs: ProcessRun[]) => Math.max(...runs.map((r) => r.peakRssMb));

export async function benchPeers(logs = 1_000_000, largeLines = 10_000_000): Promise<Record<string, unknown>> {
  if (!benchPython()) throw new Error('infra/scripts/bench-venv.sh failed: the peers need .venv-bench (PyPI) and Java 17+');
  const loadAtStart = loadavg();
  const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-peers-'));
  try {
    const env = embeddedEnv(dir);
    const generated = await runProcess('node', ['bin/sentinel.mjs', 'generate', '--from', DATE, '--logs-per-day', String(logs)], env);
    const landing = path.join(dir, 'lake', 'landing');
    const messages = path.join(dir, 'messages.log');
    const messageLines = await writeMessages(path.join(landing, `date=${DATE}`), messages);
    const hdfs = path.join(dir, 'HDFS_1M.log');
    await writeLargeHdfsLog(hdfs, logs);

    const ourSteps = new Map<string, ProcessRun[]>(OUR_STEPS.map(([name]) => [name, []]));
    const ourTotals: number[] = [];
    const inProcess: { steps: number; run: ProcessRun }[] = [];
    const spark: ProcessRun[] = [];
    const templateInputs = [
      { name: `templates, ${size(logs)} HDFS lines`, file: hdfs, format: 'hdfs' },
      { name: `templates, ${size(logs)} generated messages`, file: messages, format: '<Content>' },
    ];
    const ourTemplates = templateInputs.map((): ProcessRun[] => []);
    const drain3 = templateInputs.map((): ProcessRun[] => []);
    const sparkEnv = { ...process.env, SPARK_LOCAL_IP: '127.0.0.1', PYSPARK_PYTHON: PYTHON };
    for (let round = 0; round < ROUNDS; round++) {
      let total = 0;
      for (const [name, argsOf] of OUR_STEPS) {
        const run = await runProcess('node', ['bin/sentinel.mjs', ...argsOf(round)], env);
        ourSteps.get(name)!.push(run);
        total += run.seconds;
      }
      ourTotals.push(total);
      inProcess.push(await runInProcess(landing, path.join(dir, `in-process-${round}`)));
      spark.push(await runProcess(PYTHON, ['bench/peers/spark_job.py', landing, DATE], sparkEnv));
      for (const [i, input] of templateInputs.entries()) {
        const csv = path.join(dir, 'templates.csv');
        // Written to a fresh name: renaming over the last round's 65–75 MB CSV frees its blocks within
        // the run (40–70 ms on a disk mounted with `discard`), work Drain3, which writes no CSV, never does.
        rmSync(csv, { force: true });
        ourTemplates[i].push(await runProcess('node', ['bin/sentinel.mjs', 'templates', input.file, '--log-format', input.format, '--out', csv], env));
        const drainArgs = input.format === 'hdfs' ? ['--log-format', 'hdfs'] : [];
        drain3[i].push(await runProcess(PYTHON, ['bench/peers/drain3_templates.py', input.file, ...drainArgs]));
      }
      // A few minutes in all: one line per round says it is moving, and how noisy the machine is.
      console.log(
        `peers round ${round + 1}/${ROUNDS}: our steps ${total.toFixed(1)} s (${inProcess[round].steps.toFixed(1)} s in one process), PySpark work ${spark[round].result.work_seconds.toFixed(1)} s, ` +
          `templates ${ourTemplates.map((runs) => runs[round].seconds.toFixed(1)).join(' / ')} s, Drain3 ${drain3.map((runs) => runs[round].seconds.toFixed(1)).join(' / ')} s, load ${fmtLoad(loadavg())}`,
      );
    }
    rmSync(hdfs);

    const large = path.join(dir, 'HDFS_10M.log');
    await writeLargeHdfsLog(large, largeLines);
    const largeRun = await runProcess('node', ['bin/sentinel.mjs', 'templates', large, '--log-format', 'hdfs', '--out', path.join(dir, 'templates.csv')], env);
    const loadAtEnd = loadavg();

    const rows: Row[] = [
      {
        work: `${size(logs)} generated logs: ingest+parse+features+train+score vs the PySpark job's work`,
        rows: generated.result.logs,
        ours: median(ourTotals),
        peer: median(spark.map((r) => r.result.work_seconds)),
        oursRssMb: Math.max(...[...ourSteps.values()].map(maxOf)),
        peerRssMb: maxOf(spark),
      },
      ...OUR_STEPS.map(([name]) => {
        const runs = ourSteps.get(name)!;
        return {
          work: `  ${name}`,
          rows: runs[0].result.read ?? runs[0].result.rows ?? runs[0].result.windows,
          ours: median(runs.map((r) => r.seconds)),
          oursRssMb: maxOf(runs),
        };
      }),
      {
        work: `${size(logs)} generated logs: the same five steps in one process (sentinel pipeline, as demo runs them) vs the PySpark job's work`,
        rows: generated.result.logs,
        ours: median(inProcess.map((r) => r.steps)),
        peer: median(spark.map((r) => r.result.work_seconds)),
        oursRssMb: maxOf(inProcess.map((r) => r.run)),
      },
      {
        work: '  the pipeline process from start to exit (Node start-up, creating the embedded database, report)',
        rows: generated.result.logs,
        ours: median(inProcess.map((r) => r.run.seconds)),
      },
      {
        work: '  PySpark: read, aggregate per service per minute, rolling z',
        rows: spark[0].result.logs,
        peer: median(spark.map((r) => r.result.aggregate_seconds)),
      },
      {
        work: '  PySpark: IsolationForest train + score',
        rows: spark[0].result.windows,
        peer: median(spark.map((r) => r.result.train_seconds + r.result.score_seconds)),
      },
      { work: '  PySpark: JVM and session start-up (not in the ratio)', rows: Number.NaN, peer: median(spark.map((r) => r.result.startup_seconds)) },
      ...templateInputs.map((input, i) => ({
        work: `${input.name} vs Drain3`,
        rows: drain3[i][0].result.lines,
        ours: median(ourTemplates[i].map((r) => r.seconds)),
        peer: median(drain3[i].map((r) => r.seconds)),
        oursRssMb: maxOf(ourTemplates[i]),
        peerRssMb: maxOf(drain3[i]),
      })),
      {
        work: `templates, ${size(largeLines)} HDFS lines (flat memory; one run)`,
        rows: largeRun.result.lines,
        ours: largeRun.seconds,
        oursRssMb: largeRun.peakRssMb,
      },
    ];
    const rate = (rows: number, seconds?: number) => (seconds && rows ? rows / seconds : Number.NaN);
    printTable(
      `log-sentinel against peers on the same input (median of ${ROUNDS} interleaved runs; load average ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end)`,
      ['work', 'rows', 'log-sentinel s', 'peer s', 'peer s / ours', 'ours rows/s', 'peer rows/s', 'ours peak RSS MB', 'peer peak RSS MB'],
      rows.map((r) => [
        r.work,
        r.rows,
        r.ours ?? Number.NaN,
        r.peer ?? Number.NaN,
        r.ours !== undefined && r.peer !== undefined ? r.peer / r.ours : Number.NaN,
        rate(r.rows, r.ours),
        rate(r.rows, r.peer),
        r.oursRssMb ?? Number.NaN,
        r.peerRssMb ?? Number.NaN,
      ]),
      [
        `peer s / ours > 1: log-sentinel is that many times faster. Ours: wall time of each process (Node start-up, embedded PostgreSQL, Parquet in and out); in one process: the sum of the steps' own timers.`,
        `PySpark ${'local[2]'}: work = read with an explicit schema, per service per minute count/errors/p95, rolling z, collect, scikit-learn IsolationForest train + score (in-process timers).`,
        `Drain3 and templates: wall time of the process (Drain3: default config, content after the HDFS header for HDFS). Peak RSS: whole process tree (PySpark: Python + JVM).`,
        `Load average at start ${fmtLoad(loadAtStart)}, at end ${fmtLoad(loadAtEnd)} (2 cores).`,
      ].join('\n'),
    );
    return { rows, loadAtStart, loadAtEnd, messageLines, spark: spark.map((r) => r.result), drain3: drain3.map((runs) => runs.map((r) => r.result)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const size = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n.toLocaleString('en'));
const fmtLoad = (load: number[]) => load.map((l) => l.toFixed(1)).join(' / ');

/** The message column of the landing files, one per line: the generated-log input of `templates` and Drain3. */
async function writeMessages(partition: string, file: string): Promise<number> {
  const out = createWriteStream(file);
  let lines = 0;
  for (const name of readdirSync(partition).sort()) {
    if (!name.endsWith('.jsonl.gz')) continue;
    const input = createInterface({ input: createReadStream(path.join(partition, name)).pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of input) {
      const message = (JSON.parse(line) as { message?: string }).message;
      if (typeof message !== 'string') continue;
      if (!out.write(`${message.replaceAll('\n', ' ')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      lines++;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return lines;
}
