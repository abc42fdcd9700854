import * as z from 'zod';
import { loadConfig } from '../../shared/config';
import { createLogger, type Logger } from '../../shared/logger';
import { openDatabase, type Database } from '../../shared/db/database';
import { dateRange } from '../../shared/dates';
import { alertRateOption, parseOptions } from '../options';
import { run as ingest } from '../ingest/command';
import { run as parse } from '../parse/command';
import { run as features } from '../features/command';
import { run as train } from '../train/command';
import { run as score } from '../score/command';
import { buildReport } from '../report/command';

export const pipelineOptions = z.object({
  from: z.string(),
  to: z.string(),
  trainDays: z.coerce.number().int().positive().default(1),
  source: z.string().optional(),
  logFormat: z.string().optional(),
  labels: z.string().optional(),
  lake: z.string().optional(),
  alertRate: alertRateOption.optional(),
});
export type PipelineOptions = z.infer<typeof pipelineOptions>;

export interface StepTiming {
  step: string;
  date?: string;
  seconds: number;
}

/**
 * Every step in order, in one process, sharing one database connection: ingest → parse → features
 * for each date, train on the first `trainDays` dates, score every date, report. The same step
 * functions the containers run, so this is the laptop path, not a second implementation.
 */
export async function runPipeline(opts: PipelineOptions, shared: { log: Logger; database: Database }, progress: (line: string) => void) {
  const dates = dateRange(opts.from, opts.to);
  const step = { log: shared.log, database: shared.database };
  const lake = opts.lake;
  const timings: StepTiming[] = [];
  const timed = async <T extends { seconds: number }>(name: string, date: string | undefined, fn: () => Promise<T>): Promise<T> => {
    const r = await fn();
    timings.push({ step: name, date, seconds: r.seconds });
    progress(`${name.padEnd(9)} ${date ?? ''} ${r.seconds.toFixed(1)} s`);
    return r;
  };
  const counts = { read: 0, written: 0, quarantined: 0, blank: 0 };
  for (const date of dates) {
    const source = opts.source;
    const i = await timed('ingest', date, () => ingest({ date, source, logFormat: opts.logFormat, lake, allowOtherDates: false }, step));
    counts.read += i.read;
    counts.written += i.written;
    counts.quarantined += i.quarantined;
    counts.blank += i.blank;
    await timed('parse', date, () => parse({ date, lake }, step));
    await timed('features', date, () => features({ date, lake }, step));
  }
  const trainTo = dates[Math.min(opts.trainDays, dates.length) - 1];
  const model = await timed('train', `${opts.from}..${trainTo}`, () => train({ from: opts.from, to: trainTo, lake, alertRate: opts.alertRate }, step));
  let anomalies = 0;
  for (const date of dates) anomalies += (await timed('score', date, () => score({ date, lake }, step))).anomalies;
  const report = await timed('report', `${opts.from}..${opts.to}`, () =>
    buildReport({ from: opts.from, to: opts.to, labels: opts.labels, lake, format: 'text' }, step),
  );
  return { from: opts.from, to: opts.to, ...counts, anomalies, modelVersion: model.version, report, timings };
}

export async function run(raw: unknown) {
  const opts = parseOptions(pipelineOptions, raw, 'pipeline');
  const config = loadConfig(process.env, { lake: opts.lake });
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  try {
    const result = await runPipeline(opts, { log, database }, (line) => process.stderr.write(line + '\n'));
    process.stdout.write(result.report.text);
    const { report, ...rest } = result;
    return { ...rest, precision: report.summary.evaluation?.precision, recall: report.summary.evaluation?.recall, f1: report.summary.evaluation?.f1 };
  } finally {
    await database.close();
  }
}
