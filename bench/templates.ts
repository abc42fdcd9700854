/**
 * Template mining benchmark on the loghub 2k samples: grouping accuracy (GA) against the ground
 * truth EventIds, and mining throughput, with DEFAULT miner settings (only the log format differs
 * per system, as it must). Run: `npx tsx bench/templates.ts [--errors <System>]`.
 * Datasets: `$SENTINEL_DATASETS/loghub` (default `../shared/datasets`, relative to the repo).
 * Data: loghub (https://github.com/logpai/loghub), Zhu et al., ISSRE 2023.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { groupingAccuracy } from '../shared/groupingAccuracy';
import { compileLogFormat, KNOWN_LOG_FORMATS } from '../shared/logFormat';
import { createTemplateMiner } from '../shared/parsing/templateMiner';

const SYSTEMS = ['HDFS', 'BGL', 'Thunderbird', 'Windows', 'Zookeeper', 'Apache', 'Android', 'HealthApp', 'OpenStack', 'Proxifier'] as const;
/** Drain's published GA on these systems (logparser benchmark, per-system tuned settings). */
const PUBLISHED_DRAIN_AVERAGE_16 = 0.866;
/** Time each system for at least this long, so 2k-line samples give a stable lines/s. */
const MIN_TIMING_MS = 300;

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const datasets = path.resolve(repoRoot, process.env.SENTINEL_DATASETS ?? '../shared/datasets');
const loghub = path.join(datasets, 'loghub');
const errorsFor = process.argv.includes('--errors') ? process.argv[process.argv.indexOf('--errors') + 1] : undefined;

interface Row {
  system: string;
  lines: number;
  trueTemplates: number;
  foundTemplates: number;
  ga: number;
  /** The same masks with the word rule off (wordVariantLimit 0): what plain Drain3 clustering gives. */
  gaDrain3Rules: number;
  linesPerSecond: number;
}

function main(): void {
  if (!existsSync(loghub)) {
    console.error(`no loghub samples at ${loghub} (set SENTINEL_DATASETS to the datasets folder)`);
    process.exit(2);
  }
  const rows: Row[] = [];
  for (const system of SYSTEMS) rows.push(benchSystem(system));
  printTable(rows);
}

function benchSystem(system: (typeof SYSTEMS)[number]): Row {
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
  const eventIdCol = header.indexOf('EventId');
  const contentCol = header.indexOf('Content');
  const truth = truthTable.slice(1).map((r) => r[eventIdCol]);
  if (truth.length !== contents.length) {
    throw new Error(`${system}: ${contents.length} lines match the format but the ground truth has ${truth.length}`);
  }

  const miner = createTemplateMiner();
  const predicted = miner.mine(contents).map((r) => r.templateId);
  const ga = groupingAccuracy(predicted, truth);
  const drain3Predicted = createTemplateMiner({ wordVariantLimit: 0 }).mine(contents).map((r) => r.templateId);
  const gaDrain3Rules = groupingAccuracy(drain3Predicted, truth).accuracy;

  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_TIMING_MS) {
    createTemplateMiner().mine(contents);
    runs++;
  }
  const linesPerSecond = (runs * contents.length) / ((performance.now() - start) / 1000);

  if (errorsFor?.toLowerCase() === system.toLowerCase()) {
    printErrors(miner, predicted, truth, truthTable.slice(1).map((r) => r[contentCol]), truthTable.slice(1).map((r) => r[header.indexOf('EventTemplate')]));
  }
  return { system, lines: contents.length, trueTemplates: ga.trueGroups, foundTemplates: ga.predictedGroups, ga: ga.accuracy, gaDrain3Rules, linesPerSecond };
}

/** For tuning: every true template whose lines are not exactly one predicted group. */
function printErrors(miner: ReturnType<typeof createTemplateMiner>, predicted: string[], truth: string[], contents: string[], trueTemplates: string[]): void {
  const byTruth = new Map<string, number[]>();
  truth.forEach((t, i) => byTruth.set(t, [...(byTruth.get(t) ?? []), i]));
  const byPred = new Map<string, number[]>();
  predicted.forEach((p, i) => byPred.set(p, [...(byPred.get(p) ?? []), i]));
  for (const [t, lines] of byTruth) {
    const preds = new Set(lines.map((i) => predicted[i]));
    const ok = preds.size === 1 && byPred.get(predicted[lines[0]])!.length === lines.length;
    if (ok) continue;
    console.log(`\n✗ ${t} (${lines.length} lines): ${trueTemplates[lines[0]]}`);
    for (const p of preds) {
      const members = byPred.get(p)!;
      const otherTruths = new Set(members.map((i) => truth[i]));
      console.log(`   → ${p} [${members.filter((i) => truth[i] === t).length}/${members.length}, truths ${[...otherTruths].join(',')}] ${miner.template(p)?.template}`);
      console.log(`      e.g. ${contents[members.find((i) => truth[i] === t)!]}`);
    }
  }
}

function printTable(rows: Row[]): void {
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(12) : c.padStart(11))).join(' '));
  const mean = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  console.log(`Template mining on loghub 2k samples (${loghub}), default settings\n`);
  line(['system', 'lines', 'true tpl', 'found tpl', 'GA', 'GA drain3', 'lines/s']);
  for (const r of rows) {
    line([r.system, String(r.lines), String(r.trueTemplates), String(r.foundTemplates), r.ga.toFixed(3), r.gaDrain3Rules.toFixed(3), Math.round(r.linesPerSecond).toLocaleString('en-US')]);
  }
  line(['average', '', '', '', mean((r) => r.ga).toFixed(3), mean((r) => r.gaDrain3Rules).toFixed(3), Math.round(mean((r) => r.linesPerSecond)).toLocaleString('en-US')]);
  console.log(`\nGA drain3: same masks, word rule off (wordVariantLimit 0), i.e. plain Drain3 clustering.`);
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

main();
