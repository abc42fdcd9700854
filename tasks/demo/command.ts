import { rm } from 'node:fs/promises';
import * as z from 'zod';
import { configFromEnv, loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { openDatabase } from '../../shared/db/database';
import { BadInputError } from '../../shared/errors';
import { parseOptions } from '../options';
import { run as generate } from '../generate/command';
import { runPipeline } from '../pipeline/command';
import { writeHtmlReport } from '../report/command';
import { formatExploreCommands } from './explore';

export const demoOptions = z.object({
  logs: z.coerce.number().int().positive().default(600_000),
  json: z.boolean().default(false),
  seed: z.coerce.number().int().default(42),
  html: z.string().optional(),
  date: z.string().default('2026-01-05'),
  /** Refused (see `run`): read only to say so, instead of ignoring it. */
  lake: z.string().optional(),
});

/** Where the demo keeps its own lake and embedded database, wiped at each start for a clean run. */
export const DEMO_HOME = '.sentinel/demo';

/**
 * The README's main job: about a day of synthetic logs with labeled anomalies → the full pipeline
 * on embedded defaults (local directory lake, embedded PostgreSQL) → the report against the labels.
 * The model trains on the same day it scores: unsupervised, labels are used only for the report.
 */
export async function run(raw: unknown) {
  const opts = parseOptions(demoOptions, raw, 'demo');
  // The demo wipes its directory at each start: it must never run on a lake someone points it at.
  if (opts.lake) {
    throw new BadInputError(
      `demo runs in its own lake (${DEMO_HOME}, wiped at each start) and does not take --lake ${opts.lake}: ` +
        'run the steps, or `sentinel pipeline --from D --to D --lake …`, on your lake',
    );
  }
  // Settings of the environment it does not use: it runs in DEMO_HOME on embedded defaults.
  const given = configFromEnv(process.env);
  const unused = Object.entries({ SENTINEL_LAKE: given.lake, SENTINEL_EMBEDDED_DB_DIR: given.embeddedDbDir, DATABASE_URL: given.databaseUrl })
    .filter(([, value]) => value)
    .map(([name]) => name);
  if (unused.length) process.stderr.write(`demo: runs in ${DEMO_HOME} on embedded defaults; ${unused.join(', ')} not used\n`);
  await rm(DEMO_HOME, { recursive: true, force: true });
  const lake = `file://./${DEMO_HOME}/lake`;
  const env = {
    ...process.env,
    SENTINEL_LAKE: lake,
    SENTINEL_EMBEDDED_DB_DIR: `${DEMO_HOME}/pgdata`,
    DATABASE_URL: undefined,
    SENTINEL_SEED: String(opts.seed),
  };
  const config = loadConfig(env);
  const log = createLogger(configFromEnv(process.env).logLevel ?? 'warn');
  const progress = (line: string) => process.stderr.write(line + '\n');
  const started = performance.now();
  const gen = await generate({ from: opts.date, days: 1, logsPerDay: opts.logs, seed: opts.seed, lake }, { log, env });
  progress(`generate  ${opts.date} ${gen.seconds.toFixed(1)} s  (${gen.logs} logs, ${gen.anomalies} labeled anomalies)`);
  const database = await openDatabase(config, log);
  try {
    const result = await runPipeline({ from: opts.date, to: opts.date, trainDays: 1, lake }, { log, database }, progress);
    if (opts.html) await writeHtmlReport({ from: opts.date, to: opts.date, lake, html: opts.html }, { log, database, env });
    const e = result.report.summary.evaluation;
    const seconds: Record<string, number> = { generate: gen.seconds };
    for (const t of result.timings) seconds[t.step] = (seconds[t.step] ?? 0) + t.seconds;
    seconds.total = Math.round(performance.now() - started) / 1000;
    const out = {
      logs: gen.logs,
      anomalies: result.anomalies,
      labeledAnomalies: gen.anomalies,
      precision: e?.precision ?? null,
      recall: e?.recall ?? null,
      f1: e?.f1 ?? null,
      perIncident: e?.perIncident ?? null,
      perWindow: e?.perWindow ?? null,
      byType: e?.byType,
      seconds,
    };
    if (opts.json) return out;
    process.stdout.write(result.report.text);
    process.stdout.write(`\ndemo finished in ${seconds.total.toFixed(1)} s; lake: ${DEMO_HOME}/lake${opts.html ? `; anomaly explorer: ${opts.html}` : ''}\n`);
    process.stdout.write(formatExploreCommands(DEMO_HOME, opts.date));
    return undefined;
  } finally {
    await database.close();
  }
}
