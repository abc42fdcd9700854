import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import { GateClosedError } from './errors';
import { loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { openStore } from './store/openStore';
import type { ObjectStore } from './store/objectStore';
import { openDatabase, type Database } from './db/database';

/**
 * What a step command gets: validated config, a logger bound to {task, runId, partition}, the lake,
 * and the database on first use (steps that don't need PostgreSQL never start the embedded one).
 */
export interface StepContext {
  readonly task: string;
  readonly runId: string;
  readonly config: Config;
  readonly log: Logger;
  readonly lake: ObjectStore;
  db(): Promise<Database>;
}

export interface StepOptions {
  task: string;
  partition?: string;
  overrides?: Partial<Config>;
  env?: NodeJS.ProcessEnv;
  /** Reuse an open database (the in-process `pipeline` shares one across steps). */
  database?: Database;
  /** Parent logger (pipeline); otherwise a new one. */
  log?: Logger;
  /** Wraps the opened lake store: the seam crash-injection tests use to fail a chosen write. */
  wrapLake?: (lake: ObjectStore) => ObjectStore;
}

export async function runStep<T extends object>(options: StepOptions, body: (ctx: StepContext) => Promise<T>): Promise<T & { runId: string; seconds: number }> {
  const config = loadConfig(options.env ?? process.env, options.overrides);
  const runId = config.runId ?? `${options.task}-${randomUUID().slice(0, 8)}`;
  const base = options.log ?? createLogger(config.logLevel);
  const log = base.child({ task: options.task, runId, ...(options.partition ? { partition: options.partition } : {}) });
  const opened = openStore(config.lake, { forcePathStyle: config.s3ForcePathStyle });
  const lake = options.wrapLake ? options.wrapLake(opened) : opened;
  let database = options.database;
  const ownsDatabase = !database;
  const ctx: StepContext = {
    task: options.task,
    runId,
    config,
    log,
    lake,
    async db() {
      database ??= await openDatabase(config, log);
      return database;
    },
  };
  const started = performance.now();
  log.info({ lake: lake.uri }, `${options.task} started`);
  try {
    const result = await body(ctx);
    const seconds = Math.round(performance.now() - started) / 1000;
    log.info({ result, seconds }, `${options.task} finished`);
    summary(config.logLevel, `${options.task}${options.partition ? ' ' + options.partition : ''}: done in ${seconds} s${facts(result)}`);
    return { ...result, runId, seconds };
  } catch (err) {
    const seconds = Math.round(performance.now() - started) / 1000;
    if (err instanceof GateClosedError) {
      log.info({ seconds, reason: err.message }, `${options.task} gate closed`);
      summary(config.logLevel, `${options.task}${options.partition ? ' ' + options.partition : ''}: skipped (${err.message})`);
    } else log.error({ err, seconds }, `${options.task} failed`);
    throw err;
  } finally {
    if (ownsDatabase && database) await database.close();
  }
}

/** The step's last human line on stderr (before the CLI's JSON result on stdout; an error is the CLI's `sentinel: …` line). */
function summary(level: string, line: string): void {
  if (level !== 'silent') process.stderr.write(line + '\n');
}

/** `, key=value` for the result's first few numbers and short strings. */
export function facts(result: object, max = 6): string {
  const parts = Object.entries(result)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 80))
    .slice(0, max)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? `, ${parts.join(' ')}` : '';
}
