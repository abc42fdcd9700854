#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { Command, Option } from 'commander';
import { loadProcessConfig } from '../shared/config';
import { startWorkerEarly } from '../shared/workerJobs';
import { DEFAULT_THRESHOLDS } from './monitor/decision';
import { DEFAULT_ALERT_RATE } from './options';
import { LAKE_FLAGS, LAKE_HELP, reportFailure, runCommand } from './cliShared';
import { declareTemplates } from './templates/commandLine';
import { DEFAULT_SESSION_DETECTORS, DEFAULT_WINDOW_DETECTORS, SESSION_DETECTOR_NAMES, WINDOW_DETECTOR_NAMES } from '../shared/detectors/registry';

/**
 * The `sentinel` CLI. This file only declares commands; each lazy-imports its step module so a
 * container that runs one step loads only that step's code. Exit codes are set in one place, cliShared.ts.
 */
type Runner = (opts: Record<string, unknown>) => Promise<unknown>;
const steps: Record<string, () => Promise<{ run: Runner }>> = {
  generate: () => import('./generate/command'),
  ingest: () => import('./ingest/command'),
  parse: () => import('./parse/command'),
  templates: () => import('./templates/command'),
  features: () => import('./features/command'),
  train: () => import('./train/command'),
  score: () => import('./score/command'),
  report: () => import('./report/command'),
  pipeline: () => import('./pipeline/command'),
  demo: () => import('./demo/command'),
  models: () => import('./models/command'),
  monitor: () => import('./monitor/command'),
  alert: () => import('./alert/command'),
  alerts: () => import('./alerts/command'),
  stream: () => import('./stream/command'),
  check: () => import('./check/command'),
};

/**
 * Short commands run wasm (parquet-wasm, and PGlite when the database is embedded) on V8's
 * baseline compiler (Liftoff): optimizing their hot functions cost more CPU on background threads
 * than it saved in one run (decision 80), and features and score also peaked ~40 MB lower
 * (decision 95). Set before the command's module loads, since parquet-wasm compiles when it is
 * imported. They also let V8's old generation at most double what the last full collection left
 * (V8 picks up to 4× when its collections were cheap): after a cheap one, one features run in five
 * let its heap reach 100 MB and peaked ~50 MB higher at 10M logs (decision 113). With both,
 * monitor, alert, report, models, alerts and check take 0.3–0.6 CPU s and ~80 MB less each.
 * Ingest and parse (ZSTD encoding; parse paid 0.4 CPU s with the heap bounded at 30 %), templates,
 * generate and the long-running processes (stream, pipeline, demo) keep V8's defaults.
 */
const SHORT_COMMANDS: ReadonlySet<string> = new Set(['features', 'train', 'score', 'monitor', 'alert', 'alerts', 'report', 'models', 'check']);

/**
 * A command's module, loaded once V8 has the flags of its kind of process. Parse's Bronze decoding
 * thread starts first: parse waited 0.2–0.35 s for its first part, mostly for that thread to start (decision 118).
 */
function loadStep(step: keyof typeof steps): Promise<{ run: Runner }> {
  if (SHORT_COMMANDS.has(step)) setFlagsFromString('--liftoff-only --heap-growing-percent=100');
  if (step === 'parse') startWorkerEarly('parquetDecodeWorker.mjs');
  return steps[step]();
}

function action(step: keyof typeof steps) {
  return async (...args: unknown[]) => runCommand((await loadStep(step)).run, args[args.length - 1] as Command);
}

// Program options are read only before the command name (positional options), so a command's own
// option of the same name reaches it: `models promote --version 1` promotes instead of printing the
// program version. `--lake` is added to every command below, so it works on either side.
const program = new Command('sentinel')
  .description('log-sentinel: finds anomalies in application logs (lake → Bronze/Silver/Gold → detectors → PostgreSQL)')
  .version(loadProcessConfig().version)
  .enablePositionalOptions()
  .option(LAKE_FLAGS, LAKE_HELP)
  .showHelpAfterError('(run with --help for usage)')
  // Commander throws instead of exiting, so usage errors get exit code 2 like every bad input.
  .exitOverride();

program
  .command('generate')
  .description('write synthetic application logs with labeled anomalies to <lake>/landing/date=D/')
  .requiredOption('--from <date>', 'first date (YYYY-MM-DD)')
  .option('--days <n>', 'number of days', '1')
  .option('--logs-per-day <n>', 'approximate logs per day', '200000')
  .option('--services <n>', 'number of services', '12')
  .option('--anomalies-per-day <n>', 'injected anomalies per day')
  .option('--malformed-rate <share>', 'share of deliberately malformed lines', '0')
  .option('--seed <n>', 'random seed', '42')
  .option('--out <uri>', 'write here instead of the lake (a directory or s3:// prefix)')
  .option('--to-kafka <topic>', 'produce the records to this Kafka topic (SENTINEL_KAFKA_BROKERS) instead of landing files; labels still go to the lake')
  .option('--rate <n>', 'with --to-kafka: records per second (0: as fast as possible)', '0')
  .action(action('generate'));

program
  .command('ingest')
  .description('landing files → Bronze Parquet for one date; bad records go to bronze/quarantine with a reason')
  .requiredOption('--date <date>', 'partition date (YYYY-MM-DD)')
  .option('--source <uri>', 'an s3:// prefix, or a file or directory under SENTINEL_SOURCE_ROOTS (default: <lake>/landing/date=D/)')
  .option('--log-format <format>', 'loghub-style format for text lines, e.g. "<Date> <Time> <Level> <Component>: <Content>", or a known name (hdfs, bgl, ...)')
  .option('--timestamp-format <pattern>', 'e.g. "yyyy-MM-dd HH:mm:ss,SSS", "iso", "epoch" (default: detect)')
  .option('--service <name>', 'service name for text logs (default: their Component field)')
  .option('--max-quarantine-share <share>', 'fail when more than this share of records is quarantined (default 0.05)')
  .option('--allow-other-dates', 'keep records whose timestamp is outside the partition date')
  .option('--skip-if-empty', 'no input files is "nothing to do" (exit 99, the DAG skips the day), not bad input (exit 2)')
  .action(action('ingest'));

program
  .command('parse')
  .description('Bronze → Silver: normalize, mine templates (Drain), extract parameters')
  .requiredOption('--date <date>', 'partition date (YYYY-MM-DD)')
  .action(action('parse'));

declareTemplates(program.command('templates')).action(action('templates'));

program
  .command('features')
  .description('Silver → Gold: per-service time windows, template counts with TF-IDF, sessions')
  .requiredOption('--date <date>', 'partition date (YYYY-MM-DD)')
  .option('--window <duration>', 'window length, e.g. 1m, 5m, 30s', '1m')
  .option('--session-key <regex-or-field>', 'session entity: a field name (session_id) or a regex such as "blk_-?\\d+"', 'session_id')
  .option(
    '--session-gap <duration|none>',
    'a session ends after this long without events; none: one session per key per partition (memory grows with the partition)',
    '30m',
  )
  .option('--allowed-lateness <duration>', 'how far out of time order events may arrive and still count in latency percentiles and distinct users', '1h')
  .action(action('features'));

program
  .command('train')
  .description('fit the detectors on Gold of a date range; register a candidate model and promote it if not worse')
  .requiredOption('--from <date>', 'first training date')
  .requiredOption('--to <date>', 'last training date')
  .option(
    '--detectors <list>',
    `comma-separated: window detectors ${WINDOW_DETECTOR_NAMES.join(', ')}; session detectors ${SESSION_DETECTOR_NAMES.join(', ')} (when none is named and there are sessions: ${DEFAULT_SESSION_DETECTORS.join(', ')})`,
    DEFAULT_WINDOW_DETECTORS.join(','),
  )
  .option(
    '--alert-rate <share|auto>',
    "share of training windows and sessions each detector may flag (the 1 − share quantile of its training scores); auto: 0.005 for windows, each session detector's own test. Thresholds never go below a detector's floor",
    DEFAULT_ALERT_RATE,
  )
  .option('--name <name>', 'model name in the registry', 'sentinel')
  .option('--promote-margin <m>', 'promote unless validation F1/score is worse than production by more than this', '0.02')
  .addOption(
    new Option(
      '--combine <rule>',
      'max: anomalous when any detector fires; mean: when the weighted mean of calibrated scores passes the alert-rate quantile and one detector fires',
    )
      .choices(['max', 'mean'])
      .default('max'),
  )
  .option('--weights <pairs>', 'weights for --combine mean, e.g. robust_baseline=2,isolation_forest=1 (default 1 each)')
  .option('--max-sessions <n>', 'fit the session models on a seeded uniform sample of at most this many sessions', '50000')
  .option('--seed <n>', 'random seed')
  .action(action('train'));

program
  .command('score')
  .description('score Gold of one date with the production model; write scored Parquet and anomalies to PostgreSQL')
  .requiredOption('--date <date>', 'partition date (YYYY-MM-DD)')
  .option('--model-version <v>', 'use this model version instead of production')
  .option('--name <name>', 'model name in the registry', 'sentinel')
  .action(action('score'));

program
  .command('report')
  .description('summary of anomalies for a date range; with --labels adds precision, recall and F1')
  .requiredOption('--from <date>', 'first date')
  .requiredOption('--to <date>', 'last date')
  .option('--labels <file>', "labels file (generator JSON; default: the lake's labels when present)")
  .option(
    '--session-labels <file>',
    'per-session labels, `id,Label` CSV (Normal/Anomaly), e.g. HDFS anomaly_label.csv: adds per-session precision, recall and F1',
  )
  .option(
    '--line-labels',
    'per-line labels carried in Silver (ingested from a <Label> field, e.g. --log-format bgl): precision, recall and F1 per window of lines/seconds',
  )
  .option('--window-lines <n>', 'with --line-labels: evaluation windows of N consecutive lines (default 20, plus 60 s)')
  .option('--window-seconds <s>', 'with --line-labels: evaluation windows of T seconds')
  .option('--normal-label <label>', 'with --line-labels: the label of normal lines', '-')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--html <file>', 'also write the anomaly explorer, one self-contained HTML page, to this file')
  .option('--publish', 'also write the anomaly explorer to the lake: reports/date=D/report.html (what the daily DAG links to)')
  .option('--name <name>', 'the model whose baseline the explorer draws when no anomaly names one', 'sentinel')
  .action(action('report'));

program
  .command('pipeline')
  .description('every step in order for each date, in one process')
  .requiredOption('--from <date>', 'first date')
  .requiredOption('--to <date>', 'last date')
  .option('--train-days <n>', 'train on this many leading days, then score every date', '1')
  .option('--source <uri>', "ingest source (default: the lake's landing area)")
  .option('--log-format <format>', 'log format for text lines')
  .option('--labels <file>', 'labels for the final report')
  .action(action('pipeline'));

program
  .command('demo')
  .description('generate about a day of logs, run the pipeline on embedded defaults in its own lake (.sentinel/demo, wiped at each start) and print the report')
  .option('--logs <n>', 'logs to generate', '600000')
  .option('--json', 'print one JSON object instead of the text report')
  .option('--seed <n>', 'random seed', '42')
  .option('--html <file>', 'also write the HTML report here')
  .action(action('demo'));

program
  .command('models')
  .description('the model registry: list versions, show one, promote a version, roll production back')
  .argument('<action>', 'list | show | promote | rollback')
  .option('--name <name>', 'model name (train --name)', 'sentinel')
  .option('--version <v>', 'model version (show, promote)')
  .option('--json', 'JSON only, no table')
  .action(async (action: string, _opts: unknown, cmd: Command) => {
    const { run } = await loadStep('models');
    const result = await run({ ...cmd.optsWithGlobals(), action });
    process.stdout.write(JSON.stringify(result) + '\n');
  });

program
  .command('monitor')
  .description(
    'drift (PSI/KS per feature, score shift, unseen templates), anomaly rate, model age and quality for a date; exit 99 with --gate when no retraining is needed',
  )
  .requiredOption('--date <date>', 'partition date (YYYY-MM-DD)')
  .option('--name <name>', 'model name in the registry', 'sentinel')
  .option('--gate', 'read the stored summary and exit 0 when retraining is recommended, 99 when not')
  .option('--psi-threshold <x>', 'feature or score PSI above this recommends retraining', String(DEFAULT_THRESHOLDS.psi))
  .option(
    '--unseen-template-share <x>',
    'share of events with templates unknown to the model that recommends retraining',
    String(DEFAULT_THRESHOLDS.unseenTemplateShare),
  )
  .option(
    '--anomaly-rate-factor <x>',
    'anomaly rate this many times above or below the expected rate recommends retraining',
    String(DEFAULT_THRESHOLDS.anomalyRateFactor),
  )
  .option('--max-model-age-days <n>', 'older models are retrained', String(DEFAULT_THRESHOLDS.maxModelAgeDays))
  .action(action('monitor'));

program
  .command('alert')
  .description('turn the anomalies of a date into alerts: group, deduplicate, auto-resolve, deliver to webhooks')
  .requiredOption('--date <date>', 'partition date (YYYY-MM-DD)')
  .option('--dry-run', 'print what would be alerted; write and send nothing')
  .action(action('alert'));

program
  .command('alerts')
  .description('list alerts, acknowledge or resolve one')
  .argument('<action>', 'list | ack | resolve')
  .argument('[id]', 'alert id (ack, resolve)')
  .option('--status <status>', 'list only open, acknowledged or resolved alerts')
  .option('--reason <text>', 'why it was resolved')
  .option('--json', 'JSON only, no table')
  .action(async (actionName: string, id: string | undefined, _opts: unknown, cmd: Command) => {
    const { run } = await loadStep('alerts');
    process.stdout.write(JSON.stringify(await run({ ...cmd.optsWithGlobals(), action: actionName, id })) + '\n');
  });

program
  .command('stream')
  .description(
    'real-time detection from a Kafka topic: per record new templates, per window and session the production model, alerts; lands records for the daily ingest',
  )
  .requiredOption('--topic <topic>', 'Kafka topic of log records (brokers: SENTINEL_KAFKA_BROKERS)')
  .option('--group <group>', 'consumer group', 'sentinel-stream')
  .option('--log-format <format>', 'loghub-style format for text records, or a known name (as ingest)')
  .option('--timestamp-format <pattern>', 'timestamp pattern (as ingest; default: detect)')
  .option('--service <name>', 'service name for text records (default: their Component field)')
  .option('--window <duration>', 'window length (as features)', '1m')
  .option('--session-key <regex-or-field>', 'session entity (as features): a field name (session_id) or a regex', 'session_id')
  .option('--session-gap <duration>', 'a session closes once the watermark is this far past its last event (as features)', '30m')
  .option('--allowed-lateness <duration>', 'a window is sealed once the newest event time is this far past its end', '30s')
  .option('--max-future <duration>', "a record whose event time is further ahead of this process's clock goes to the dead-letter topic", '1h')
  .option('--dead-letter-topic <topic>', 'topic for bad records (default: <topic>.dlq)')
  .addOption(new Option('--offset-reset <where>', 'where a group without committed offsets starts').choices(['earliest', 'latest']).default('earliest'))
  .option('--name <name>', 'model name in the registry', 'sentinel')
  .option('--batch-records <n>', 'largest micro-batch', '20000')
  .option('--batch-ms <ms>', 'a micro-batch closes this long after its first record', '100')
  .option('--port <port>', '/healthz, /readyz and /metrics (0: any free port)', '9464')
  .option('--model-check-seconds <s>', 'how often to look for a newly promoted model', '5')
  .action(action('stream'));

program
  .command('check')
  .description('can this configuration reach the lake, the database, Kafka and MLflow? each is tried as the steps use it; exit 3 when one fails')
  .option('--json', 'the result line only, no table')
  .action(action('check'));

// Not on demo: it runs in a lake of its own, wiped at each start (a `--lake` before it is refused there).
for (const cmd of program.commands) if (cmd.name() !== 'demo' && !cmd.options.some((o) => o.long === '--lake')) cmd.option(LAKE_FLAGS, LAKE_HELP);

program.parseAsync(process.argv).catch(reportFailure);
