/**
 * Template mining benchmark on the loghub 2k samples, with DEFAULT miner settings (only the log
 * format differs per system, as it must):
 * - GA, PA, FGA, FTA against the ground truth (shared/groupingAccuracy.ts, shared/parsingMetrics.ts);
 * - leave-one-system-out GA: for each system, GA under the setting (constants and on/off rules) that
 *   scores best on the other nine (shared/leaveOneOut.ts), so a rule fitted to one system shows;
 * - mining throughput in process, median of 3 timed rounds per system.
 * - `templates FILE` on 1M+ HDFS lines and on 1M generated lines, as a process (streamed: lines/s,
 *   lines per CPU second and peak RSS, median of 3).
 * Run: `npx tsx bench/templates.ts [--errors <System>] [--no-loso] [--no-large]`.
 * Datasets: `$SENTINEL_DATASETS/loghub` (default `../shared/datasets`, relative to the repo).
 * Data: loghub (https://github.com/logpai/loghub), Zhu et al., ISSRE 2023.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { leaveOneOut } from '../shared/leaveOneOut';
import { compileLogFormat, KNOWN_LOG_FORMATS } from '../shared/logFormat';
import { parsingMetrics, type ParsingMetrics } from '../shared/parsingMetrics';
import { DEFAULT_MASKS } from '../shared/parsing/masks';
import { createTemplateMiner, DEFAULT_TEMPLATE_MINER_CONFIG, type TemplateMinerConfig } from '../shared/parsing/templateMiner';
import { datasetsDir, HDFS_SESSIONS_LINES, HDFS_SESSIONS_LOG, writeLargeHdfsLog } from './largeHdfs';

const SYSTEMS = ['HDFS', 'BGL', 'Thunderbird', 'Windows', 'Zookeeper', 'Apache', 'Android', 'HealthApp', 'OpenStack', 'Proxifier'] as const;
/** Drain's published GA on these systems (logparser benchmark, per-system tuned settings). */
const PUBLISHED_DRAIN_AVERAGE_16 = 0.866;
/** Time each round for at least this long, so 2k-line samples give a stable lines/s. */
const MIN_TIMING_MS = 300;
const TIMING_ROUNDS = 3;

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const loghub = path.join(datasetsDir, 'loghub');
const errorsFor = process.argv.includes('--errors') ? process.argv[process.argv.indexOf('--errors') + 1] : undefined;
const withLoso = !process.argv.includes('--no-loso');
const withLarge = !process.argv.includes('--no-large');
/** Copies of hdfs-sessions (113,014 lines each) in the large-file run: just over 1M lines. */
const LARGE_FILE_COPIES = 9;

interface Sample {
  system: string;
  contents: string[];
  trueIds: string[];
  trueTemplates: string[];
}

interface Row extends ParsingMetrics {
  system: string;
  lines: number;
  trueTemplates: number;
  foundTemplates: number;
  /** The same masks with the word rule off (wordVariantLimit 0): what plain Drain3 clustering gives. */
  gaDrain3Rules: number;
  linesPerSecond: number;
  /** Lines per second of this process's CPU time: what a shared, loaded machine does not skew as much. */
  linesPerCpuSecond: number;
}

/**
 * The LOSO grid: every constant and every rule that can be turned off. Order matters for ties
 * (shared/leaveOneOut.ts prefers the earlier setting): rules off before on, so a rule must win on
 * the other systems to be chosen; within that, the default constants first.
 */
const HOST_OFF = DEFAULT_MASKS.filter((m) => m.name !== 'HOST');
function losoGrid(): Array<{ label: string; config: Partial<TemplateMinerConfig> }> {
  const grid: Array<{ label: string; config: Partial<TemplateMinerConfig>; rulesOn: number }> = [];
  const onOff = [false, true];
  for (const valueRuns of onOff)
    for (const joinAdjacentValues of onOff)
      for (const host of onOff)
        for (const namedValues of onOff)
          for (const absorbCovered of onOff)
            for (const keyValueFields of onOff) {
              for (const similarityThreshold of [DEFAULT_TEMPLATE_MINER_CONFIG.similarityThreshold, 0.5]) {
                for (const wordVariantLimit of [DEFAULT_TEMPLATE_MINER_CONFIG.wordVariantLimit, 5, 8]) {
                  const rules =
                    [
                      valueRuns && 'runs',
                      joinAdjacentValues && 'join',
                      host && 'host',
                      namedValues && 'named',
                      absorbCovered && 'absorb',
                      keyValueFields && 'keys',
                    ]
                      .filter(Boolean)
                      .join('+') || 'none';
                  grid.push({
                    label: `sim ${similarityThreshold} K ${wordVariantLimit} rules ${rules}`,
                    config: {
                      valueRuns,
                      joinAdjacentValues,
                      namedValues,
                      absorbCovered,
                      keyValueFields,
                      masks: host ? DEFAULT_MASKS : HOST_OFF,
                      similarityThreshold,
                      wordVariantLimit,
                    },
                    rulesOn:
                      Number(valueRuns) + Number(joinAdjacentValues) + Number(host) + Number(namedValues) + Number(absorbCovered) + Number(keyValueFields),
                  });
                }
              }
            }
  return grid.sort((a, b) => a.rulesOn - b.rulesOn);
}

async function main(): Promise<void> {
  if (!existsSync(loghub)) {
    console.error(`no loghub samples at ${loghub} (set SENTINEL_DATASETS to the datasets folder)`);
    process.exit(2);
  }
  const samples = SYSTEMS.map(loadSample);
  const rows = samples.map(benchSystem);
  printTable(rows);
  if (withLoso) printLoso(samples, rows);
  if (withLarge) await benchLargeFile();
}

/**
 * `sentinel templates` as a user runs it, on a file of 1M+ HDFS lines: hdfs-sessions copied
 * LARGE_FILE_COPIES times, each copy's block ids made its own (a digit appended), so sessions do
 * not repeat whole. Wall time of the process (reading, mining, writing the CSV) and peak RSS.
 */
async function benchLargeFile(): Promise<void> {
  if (!existsSync(HDFS_SESSIONS_LOG)) {
    console.log(`\n(no ${HDFS_SESSIONS_LOG}: large-file run skipped)`);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-templates-bench-'));
  try {
    const file = path.join(dir, 'HDFS_large.log');
    await writeLargeHdfsLog(file, LARGE_FILE_COPIES * HDFS_SESSIONS_LINES);
    timeTemplatesCli(`HDFS lines (hdfs-sessions × ${LARGE_FILE_COPIES})`, file, 'hdfs', dir);
    const generated = generatedLogFile(dir);
    timeTemplatesCli('generated lines (`generate --logs-per-day 1000000`)', generated, GENERATED_FORMAT, dir);
    console.log('  (includes Node start-up, reading the file twice and writing the CSV: the work `templates` does for a user)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `sentinel templates FILE` as a process, TIMING_ROUNDS times: wall and CPU time, peak RSS. */
function timeTemplatesCli(label: string, file: string, format: string, dir: string): void {
  const hasTime = existsSync('/usr/bin/time');
  const runs: Array<{ seconds: number; cpuSeconds: number; lines: number; rssMb: number }> = [];
  for (let r = 0; r < TIMING_ROUNDS; r++) {
    const args = ['bin/sentinel.mjs', 'templates', file, '--log-format', format, '--out', path.join(dir, 'out.csv')];
    const started = performance.now();
    const run = hasTime
      ? spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M cpu_s=%U+%S', 'node', ...args], { cwd: repoRoot, encoding: 'utf8' })
      : spawnSync('node', args, { cwd: repoRoot, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`templates exited ${run.status}: ${run.stderr.slice(-1000)}`);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(run.stderr);
    runs.push({
      seconds,
      cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
      lines: summary.lines,
      rssMb: Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024,
    });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const wall = median(runs.map((r) => r.seconds));
  const cpu = median(runs.map((r) => r.cpuSeconds));
  const lines = runs[0].lines;
  console.log(`\n\`sentinel templates\` on ${lines.toLocaleString('en-US')} ${label}, one process per run`);
  console.log(
    `  ${wall.toFixed(2)} s wall (median of ${TIMING_ROUNDS}), ${Math.round(lines / wall).toLocaleString('en-US')} lines/s, ` +
      `${Math.round(lines / cpu).toLocaleString('en-US')} lines per CPU second, peak RSS ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB, load average ${loadavg()[0].toFixed(1)}`,
  );
}

/** The text form of generated logs: `<ts> <level> <service>: <message>`. */
const GENERATED_FORMAT = '<Time> <Level> <Component>: <Content>';

/**
 * 1M generated logs (the demo's generator, one day) as a text log file: the messages the steps
 * see, with whitespace normalized as `parse` does.
 */
function generatedLogFile(dir: string): string {
  const date = '2026-01-05';
  const env: NodeJS.ProcessEnv = { ...process.env, SENTINEL_LAKE: `file://${dir}/lake`, SENTINEL_EMBEDDED_DB_DIR: `${dir}/pg`, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const gen = spawnSync('node', ['bin/sentinel.mjs', 'generate', '--from', date, '--logs-per-day', '1000000'], { cwd: repoRoot, env, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate exited ${gen.status}: ${gen.stderr.slice(-1000)}`);
  const landing = path.join(dir, 'lake', 'landing', `date=${date}`);
  const file = path.join(dir, 'generated.log');
  const out: string[] = [];
  for (const name of readdirSync(landing).sort()) {
    if (!name.endsWith('.jsonl.gz')) continue;
    for (const line of gunzipSync(readFileSync(path.join(landing, name)))
      .toString('utf8')
      .split('\n')) {
      if (!line) continue;
      let record: { ts?: unknown; level?: unknown; service?: unknown; message?: unknown };
      try {
        record = JSON.parse(line);
      } catch {
        continue; // the generator's deliberately malformed lines
      }
      if (typeof record.message !== 'string' || !record.message.trim()) continue;
      out.push(`${record.ts} ${record.level} ${record.service}: ${record.message.replace(/\s+/g, ' ').trim()}`);
    }
  }
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

function loadSample(system: (typeof SYSTEMS)[number]): Sample {
  const dir = path.join(loghub, system);
  const format = compileLogFormat(KNOWN_LOG_FORMATS[system.toLowerCase() as keyof typeof KNOWN_LOG_FORMATS]);
  const rawLines = readLines(path.join(dir, `${system}_2k.log`));
  // loghub numbers only the lines that match the format; the structured CSV lists them in order.
  const contents: string[] = [];
  for (const line of rawLines) {
    const fields = format.match(line);
    if (fields) contents.push(fields.Content);
  }
  const truthTable = parseCsv(readFileSync(path.join(dir, `${system}_2k.log_structured.csv`), 'utf8'));
  const header = truthTable[0];
  const rows = truthTable.slice(1);
  if (rows.length !== contents.length) {
    throw new Error(`${system}: ${contents.length} lines match the format but the ground truth has ${rows.length}`);
  }
  return {
    system,
    contents,
    trueIds: rows.map((r) => r[header.indexOf('EventId')]),
    trueTemplates: rows.map((r) => r[header.indexOf('EventTemplate')]),
  };
}

/** Ids as the miner knows them after the whole file (a merge may have renamed earlier lines' ids), and final templates. */
function parse(sample: Sample, config: Partial<TemplateMinerConfig> = {}) {
  const miner = createTemplateMiner(config);
  const mined = miner.mine(sample.contents);
  const ids = mined.map((r) => miner.resolve(r.templateId));
  const templates = ids.map((id) => miner.template(id)?.template ?? '');
  return { miner, ids, templates };
}

function benchSystem(sample: Sample): Row {
  const { miner, ids, templates } = parse(sample);
  const metrics = parsingMetrics(ids, templates, sample.trueIds, sample.trueTemplates);
  const drain3 = parse(sample, { wordVariantLimit: 0 });
  const gaDrain3Rules = parsingMetrics(drain3.ids, drain3.templates, sample.trueIds, sample.trueTemplates).ga;

  const rounds: number[] = [];
  const cpuRounds: number[] = [];
  for (let round = 0; round < TIMING_ROUNDS; round++) {
    let runs = 0;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    while (performance.now() - start < MIN_TIMING_MS) {
      createTemplateMiner().mine(sample.contents);
      runs++;
    }
    const cpu = process.cpuUsage(cpuStart);
    rounds.push((runs * sample.contents.length) / ((performance.now() - start) / 1000));
    cpuRounds.push((runs * sample.contents.length) / ((cpu.user + cpu.system) / 1e6));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const linesPerSecond = median(rounds);
  const linesPerCpuSecond = median(cpuRounds);

  if (errorsFor?.toLowerCase() === sample.system.toLowerCase()) printErrors(miner, ids, sample);
  return {
    system: sample.system,
    lines: sample.contents.length,
    trueTemplates: new Set(sample.trueIds).size,
    foundTemplates: new Set(ids).size,
    ...metrics,
    gaDrain3Rules,
    linesPerSecond,
    linesPerCpuSecond,
  };
}

function printLoso(samples: Sample[], rows: Row[]): void {
  const grid = losoGrid();
  const scores = grid.map(({ config }) =>
    samples.map((sample) => {
      const { ids, templates } = parse(sample, config);
      return parsingMetrics(ids, templates, sample.trueIds, sample.trueTemplates).ga;
    }),
  );
  const loso = leaveOneOut(scores);
  const RULES = ['valueRuns', 'joinAdjacentValues', 'namedValues', 'absorbCovered', 'keyValueFields'] as const;
  /** Every rule on but `off` (`masks`: the HOST mask off; none: the default rules). */
  const isDefaultBut = (c: Partial<TemplateMinerConfig>, off?: (typeof RULES)[number] | 'masks') =>
    RULES.every((rule) => c[rule] === (rule !== off)) && c.masks === (off === 'masks' ? HOST_OFF : DEFAULT_MASKS);
  const defaultIndex = grid.findIndex(
    (g) =>
      isDefaultBut(g.config) &&
      g.config.similarityThreshold === DEFAULT_TEMPLATE_MINER_CONFIG.similarityThreshold &&
      g.config.wordVariantLimit === DEFAULT_TEMPLATE_MINER_CONFIG.wordVariantLimit,
  );
  console.log(`\nLeave-one-system-out GA (${grid.length} settings: similarity, word-variable limit K, rules runs/join/host/named/absorb/keys on or off)\n`);
  console.log(`${'held out'.padEnd(12)} ${'GA default'.padStart(11)} ${'GA LOSO'.padStart(11)}  setting chosen on the other nine`);
  samples.forEach((sample, s) => {
    console.log(
      `${sample.system.padEnd(12)} ${rows[s].ga.toFixed(3).padStart(11)} ${loso.folds[s].score.toFixed(3).padStart(11)}  ${grid[loso.folds[s].chosen].label}`,
    );
  });
  const plain = rows.reduce((a, r) => a + r.ga, 0) / rows.length;
  console.log(`${'mean'.padEnd(12)} ${plain.toFixed(3).padStart(11)} ${loso.mean.toFixed(3).padStart(11)}`);
  const bestOverall = scores.map((row, c) => ({ c, mean: row.reduce((a, b) => a + b, 0) / row.length })).sort((a, b) => b.mean - a.mean)[0];
  console.log(`\ndefault setting: ${grid[defaultIndex].label}, mean GA ${(scores[defaultIndex].reduce((a, b) => a + b, 0) / samples.length).toFixed(3)}`);
  console.log(`best single setting on all ten: ${grid[bestOverall.c].label}, mean GA ${bestOverall.mean.toFixed(3)}`);

  // Ablation: the default with one rule off, per system (a rule that only moves one system shows here).
  const d = grid[defaultIndex].config;
  const ablations: Array<[string, (c: Partial<TemplateMinerConfig>) => boolean]> = [
    ['value runs', (c) => isDefaultBut(c, 'valueRuns')],
    ['join values', (c) => isDefaultBut(c, 'joinAdjacentValues')],
    ['HOST mask', (c) => isDefaultBut(c, 'masks')],
    ['named values', (c) => isDefaultBut(c, 'namedValues')],
    ['absorb covered', (c) => isDefaultBut(c, 'absorbCovered')],
    ['key=value fields', (c) => isDefaultBut(c, 'keyValueFields')],
  ];
  console.log(`\nAblation: mean GA with one rule off (default otherwise), and the systems it moves`);
  for (const [name, isIt] of ablations) {
    const c = grid.findIndex(
      (g) => isIt(g.config) && g.config.similarityThreshold === d.similarityThreshold && g.config.wordVariantLimit === d.wordVariantLimit,
    );
    const moved = samples
      .map((sample, s) => ({ system: sample.system, delta: scores[defaultIndex][s] - scores[c][s] }))
      .filter((m) => Math.abs(m.delta) >= 0.0005);
    const mean = scores[c].reduce((a, b) => a + b, 0) / samples.length;
    console.log(
      `${('- ' + name).padEnd(18)} ${mean.toFixed(3)}  ${moved.map((m) => `${m.system} ${m.delta > 0 ? '+' : ''}${m.delta.toFixed(3)} with the rule`).join(', ') || 'no system moves'}`,
    );
  }
}

/** For tuning: every true template whose lines are not exactly one predicted group. */
function printErrors(miner: ReturnType<typeof createTemplateMiner>, predicted: string[], sample: Sample): void {
  const { trueIds: truth, contents, trueTemplates } = sample;
  const byTruth = new Map<string, number[]>();
  truth.forEach((t, i) => {
    byTruth.set(t, [...(byTruth.get(t) ?? []), i]);
  });
  const byPred = new Map<string, number[]>();
  predicted.forEach((p, i) => {
    byPred.set(p, [...(byPred.get(p) ?? []), i]);
  });
  for (const [t, lines] of byTruth) {
    const preds = new Set(lines.map((i) => predicted[i]));
    const ok = preds.size === 1 && byPred.get(predicted[lines[0]])!.length === lines.length;
    if (ok) continue;
    console.log(`\n✗ ${t} (${lines.length} lines): ${trueTemplates[lines[0]]}`);
    for (const p of preds) {
      const members = byPred.get(p)!;
      const otherTruths = new Set(members.map((i) => truth[i]));
      console.log(
        `   → ${p} [${members.filter((i) => truth[i] === t).length}/${members.length}, truths ${[...otherTruths].join(',')}] ${miner.template(p)?.template}`,
      );
      console.log(`      e.g. ${contents[members.find((i) => truth[i] === t)!]}`);
    }
  }
}

function printTable(rows: Row[]): void {
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(9))).join(' '));
  const mean = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  console.log(`Template mining on loghub 2k samples (${loghub}), default settings\n`);
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  line(['system', 'lines', 'true tpl', 'found tpl', 'GA', 'PA', 'FGA', 'FTA', 'GA drain3', 'lines/s', 'lines/CPU-s']);
  for (const r of rows) {
    line([
      r.system,
      String(r.lines),
      String(r.trueTemplates),
      String(r.foundTemplates),
      ...[r.ga, r.pa, r.fga, r.fta, r.gaDrain3Rules].map((v) => v.toFixed(3)),
      count(r.linesPerSecond),
      count(r.linesPerCpuSecond),
    ]);
  }
  line([
    'average',
    '',
    '',
    '',
    ...[mean((r) => r.ga), mean((r) => r.pa), mean((r) => r.fga), mean((r) => r.fta), mean((r) => r.gaDrain3Rules)].map((v) => v.toFixed(3)),
    count(mean((r) => r.linesPerSecond)),
    count(mean((r) => r.linesPerCpuSecond)),
  ]);
  console.log(`\nlines/s: in process after warm-up, median of ${TIMING_ROUNDS} rounds of >= ${MIN_TIMING_MS} ms per system, wall clock`);
  console.log(`and per second of this process's CPU time (load from other processes on a shared machine skews it less).`);
  console.log(`GA drain3: same tokens and masks, word rule off (wordVariantLimit 0), i.e. plain Drain3 clustering.`);
  console.log(`PA, FGA, FTA as in loghub-2.0; templates compared with placeholders as <*> and adjacent <*> merged.`);
  console.log(`Published Drain average GA: ${PUBLISHED_DRAIN_AVERAGE_16} (16 systems, per-system tuned regexes and thresholds).`);
}

function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** RFC 4180 CSV (quoted fields with doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

await main();
