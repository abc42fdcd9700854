/**
 * `make bench --only stream`: one `sentinel stream` process against the local Kafka broker
 * (infra/scripts/kafka.sh; SENTINEL_TEST_KAFKA_BROKERS from .sentinel/services.env), a model trained
 * on one generated day, embedded database:
 * - the maximum sustained rate: a day of logs already on the topic, consumed from the start;
 * - latency at 10K records/s: the next day produced at 10,000 records/s while the stream runs,
 *   p50/p99 from the producer's timestamp to the committed write, for every record, for a
 *   never-seen template's anomaly row, and for a window's anomaly row once the watermark decides it.
 * - soak (env STREAM_SOAK_SECONDS, e.g. 600): the live run goes on that long at 10,000 records/s
 *   (days of up to 1M records each), and RSS is printed each minute with its growth after the first minute.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, embeddedEnv } from './cli';
import { printTable } from './table';

const TRAIN = '2026-03-02';
const DAY = '2026-03-03';

interface Sample {
  at: number;
  metrics: Map<string, number>;
  rssMb: number;
  /** CPU seconds (user + system) the stream process has used. */
  cpuS: number;
}

/** CPU seconds of a process (utime + stime from /proc, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function metrics(port: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line);
    if (m && !line.startsWith('#')) out.set(m[1], Number(m[2]));
  }
  return out;
}

function startStream(env: NodeJS.ProcessEnv, topic: string, port: number) {
  const child = spawn('node', ['bin/sentinel.mjs', 'stream', '--topic', topic, '--group', `bench-${topic}`, '--port', String(port)], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  /** Where the time went (the final log line's per-phase milliseconds). */
  const phases = () => /"phaseMs":(\{[^}]*\})/.exec(log)?.[1] ?? '{}';
  return { child, exited, phases };
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const quantile = (m: Map<string, number>, kind: string, q: string) =>
  (m.get(`sentinel_stream_latency_recent_seconds{kind="${kind}",q="${q}"}`) ?? Number.NaN) * 1000;

export async function benchStream(logs = 600_000): Promise<unknown> {
  const brokers = process.env.SENTINEL_KAFKA_BROKERS ?? process.env.SENTINEL_TEST_KAFKA_BROKERS;
  if (!brokers) {
    console.log('\nstream: skipped (no Kafka: run `make services` and source .sentinel/services.env, or set SENTINEL_KAFKA_BROKERS)');
    return { skipped: 'no Kafka brokers' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  const env = { ...embeddedEnv(dir), SENTINEL_KAFKA_BROKERS: brokers };
  const suffix = Math.random().toString(36).slice(2, 8);
  try {
    cli(env, 'generate', '--from', TRAIN, '--logs-per-day', '300000', '--services', '12', '--seed', '7');
    for (const step of ['ingest', 'parse', 'features']) cli(env, step, '--date', TRAIN);
    cli(env, 'train', '--from', TRAIN, '--to', TRAIN);

    // 1. Maximum sustained rate: the backlog of a day, consumed from the start.
    const backlog = `bench-backlog-${suffix}`;
    const produced = JSON.parse(cli(env, 'generate', '--from', DAY, '--logs-per-day', String(logs), '--services', '12', '--seed', '8', '--to-kafka', backlog))
      .logs as number;
    const port1 = 19590;
    const s1 = startStream(env, backlog, port1);
    const samples: Sample[] = [];
    await until(
      async () => {
        const m = await metrics(port1);
        samples.push({ at: performance.now(), metrics: m, rssMb: rssMb(s1.child.pid!), cpuS: cpuSeconds(s1.child.pid!) });
        return (m.get('sentinel_stream_records_in_total') ?? 0) >= produced;
      },
      600_000,
      'the stream to consume the backlog',
    );
    const peak1 = peakRssMb(s1.child.pid!);
    s1.child.kill('SIGTERM');
    await s1.exited;
    // Sustained: between 10 % and 90 % of the backlog (leaves out the group join and the last batch).
    const at = (share: number) => samples.find((s) => (s.metrics.get('sentinel_stream_records_in_total') ?? 0) >= share * produced)!;
    const a = at(0.1);
    const b = at(0.9);
    const phases1 = s1.phases();
    const between = b.metrics.get('sentinel_stream_records_in_total')! - a.metrics.get('sentinel_stream_records_in_total')!;
    const maxRate = (between / (b.at - a.at)) * 1000;
    // The machine is shared: records per CPU-second of the stream process says more than records/s alone.
    const perCpuSecond = between / Math.max(1e-9, b.cpuS - a.cpuS);
    const loadAverage = loadavg()[0];
    console.log(
      `stream backlog: ${Math.round(maxRate)} records/s, ${Math.round(perCpuSecond)} records per CPU-second of the stream process, load average ${loadAverage.toFixed(1)} on ${cpus().length} CPUs`,
    );

    // 2. Latency at 10K records/s: the stream runs, the producer paces the next day at 10,000/s.
    const live = `bench-live-${suffix}`;
    const port2 = 19591;
    const s2 = startStream(env, live, port2);
    await until(async () => (await fetch(`http://127.0.0.1:${port2}/readyz`)).status === 200, 60_000, 'the stream to be ready');
    const rssAt: number[] = [];
    const sampler = setInterval(() => rssAt.push(rssMb(s2.child.pid!)), 1000);
    const soakSeconds = Number(process.env.STREAM_SOAK_SECONDS ?? 0);
    // A soak produces days of up to 1M records (100 s each at 10K/s; weekend days are smaller, so one
    // day per 60 s is more than enough) and stops the producer when it is over.
    const liveDays = soakSeconds > 0 ? ['--logs-per-day', '1000000', '--days', String(Math.ceil(soakSeconds / 60))] : ['--logs-per-day', '300000'];
    const producer = spawn(
      'node',
      ['bin/sentinel.mjs', 'generate', '--from', DAY, ...liveDays, '--services', '12', '--seed', '9', '--to-kafka', live, '--rate', '10000'],
      { env, stdio: 'ignore' },
    );
    const started = performance.now();
    const soakTimer = soakSeconds > 0 ? setTimeout(() => producer.kill('SIGTERM'), soakSeconds * 1000) : undefined;
    const minuteTimer =
      soakSeconds > 0
        ? setInterval(() => {
            const minute = Math.round(rssAt.length / 60);
            console.log(`stream soak: minute ${minute}, RSS ${rssAt[rssAt.length - 1]?.toFixed(0)} MB`);
          }, 60_000)
        : undefined;
    await new Promise<void>((resolve) => producer.once('exit', () => resolve()));
    clearTimeout(soakTimer);
    clearInterval(minuteTimer);
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const m2 = await metrics(port2);
    clearInterval(sampler);
    const peak2 = peakRssMb(s2.child.pid!);
    s2.child.kill('SIGTERM');
    await s2.exited;
    const phases2 = s2.phases();
    const consumed = m2.get('sentinel_stream_records_in_total') ?? 0;
    // Growth after the first minute (allocation warm-up: the miner, the model, the client's buffers).
    const perMinute = rssAt.filter((_, i) => i % 60 === 59);
    const soak =
      soakSeconds > 0 && perMinute.length >= 2
        ? {
            seconds: Math.round(seconds),
            rssPerMinuteMb: perMinute.map((v) => Math.round(v)),
            growthAfterMinute1Mb: Math.round(perMinute.at(-1)! - perMinute[0]),
          }
        : undefined;
    if (soak) console.log(`stream soak: RSS per minute ${soak.rssPerMinuteMb.join(', ')} MB; growth after minute 1: ${soak.growthAfterMinute1Mb} MB`);

    const rows = [
      ['max sustained (backlog)', maxRate, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, peak1],
      [
        '10K/s live',
        consumed / seconds,
        quantile(m2, 'record', '0.5'),
        quantile(m2, 'record', '0.99'),
        quantile(m2, 'new_template', '0.5'),
        quantile(m2, 'new_template', '0.99'),
        quantile(m2, 'window', '0.5'),
        quantile(m2, 'window', '0.99'),
        peak2,
      ],
    ];
    printTable(
      `Stream: one \`sentinel stream\` process, local Kafka 4.1 (4 partitions), embedded database, ${produced.toLocaleString('en')} backlog records`,
      ['run', 'records/s', 'record p50 ms', 'p99', 'new tmpl p50 ms', 'p99', 'window p50 ms', 'p99', 'peak RSS MB'],
      rows,
      `Latency from the producer timestamp to the committed write (landing part, anomaly row and offset commit). RSS over the 10K/s run: first ${rssAt[0]?.toFixed(0)} MB, last ${rssAt[rssAt.length - 1]?.toFixed(0)} MB (${rssAt.length} s). Samples: ${m2.get('sentinel_stream_latency_seconds_count{kind="new_template"}') ?? 0} new templates, ${m2.get('sentinel_stream_latency_seconds_count{kind="window"}') ?? 0} window anomalies. Phases (ms): backlog ${phases1}, live ${phases2}.`,
    );
    return {
      produced,
      maxRate,
      perCpuSecond,
      loadAverage,
      phases: { backlog: phases1, live: phases2 },
      live: Object.fromEntries(m2),
      peakRssMb: { backlog: peak1, live: peak2 },
      rssMb: rssAt,
      soak,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStream(Number(process.argv[2] ?? 600_000));
