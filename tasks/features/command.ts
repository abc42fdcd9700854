import * as z from 'zod';
import { runStep, type StepContext, type StepOptions } from '../../shared/runtime';
import { checkCompanion, type PartitionManifest, PartitionWriter, readCommittedSlices, requireManifest } from '../../shared/lake';
import type { TableSpec } from '../../shared/parquet';
import { ColumnBatchBuilder } from '../../shared/batchBuilder';
import { GOLD_COMPANIONS, goldSessions, goldWindows, goldWindowTemplates, silverLogs, WINDOW_FEATURES } from '../../shared/schemas';
import { dayStart } from '../../shared/dates';
import { BadInputError } from '../../shared/errors';
import { interner } from '../../shared/interner';
import { fullCollection } from '../../shared/fullCollection';
import { parseOptions } from '../options';
import { parseSpan } from '../../shared/durations';
import { loadFirstSeen, loadTemplateAliases, snapshotRunId } from '../../shared/templateStore';
import { TimeWindowAggregator, type WindowRow } from '../../shared/features/timeWindows';
import { SessionAggregator, sessionKeyExtractor, type SessionKeyExtractor, type SessionRow } from './sessions';
import { tfidfRows } from './tfidf';

export const featuresOptions = z.object({
  date: z.string(),
  window: z.string().default('1m'),
  sessionKey: z.string().default('session_id'),
  sessionGap: z.string().default('30m'),
  allowedLateness: z.string().default('1h'),
  lake: z.string().optional(),
});

export function parseDuration(text: string): number {
  const seconds = parseSpan(text, '--window');
  if (seconds <= 0 || 86_400 % seconds !== 0) throw new BadInputError(`--window ${text} must divide a day evenly`);
  return seconds;
}

/** Sessions rows → Gold rows (lists and maps as JSON text). */
const goldSessionRow = (r: SessionRow) => ({
  ...r,
  sequence: JSON.stringify(r.sequence),
  offsets_ms: JSON.stringify(r.offsets_ms),
  template_counts: JSON.stringify(r.template_counts),
});

/** silver/logs → gold/windows, gold/window_templates, gold/sessions for one date, committed together. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(featuresOptions, raw, 'features');
  const windowSeconds = parseDuration(opts.window);
  const sessionGapMs = opts.sessionGap === 'none' ? Infinity : parseSpan(opts.sessionGap, '--session-gap') * 1000;
  if (sessionGapMs <= 0) throw new BadInputError(`--session-gap ${opts.sessionGap}: use a positive duration such as 30m, or none`);
  const allowedLatenessSeconds = parseSpan(opts.allowedLateness, '--allowed-lateness');
  let keyOf: SessionKeyExtractor;
  try {
    keyOf = sessionKeyExtractor(opts.sessionKey);
  } catch (err) {
    throw new BadInputError(`invalid --session-key "${opts.sessionKey}": ${(err as Error).message}`, { cause: err });
  }
  return runStep({ task: 'features', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    // Silver must go with the template snapshot its parse run saved (crash between parse's commits).
    const silver = await requireManifest(ctx.lake, silverLogs, opts.date, `run \`sentinel parse --date ${opts.date}\` first`);
    checkCompanion(silver, 'templates', await snapshotRunId(ctx.lake, opts.date), 'parse');
    const windows = new TimeWindowAggregator({
      dayStart: dayStart(opts.date),
      windowSeconds,
      rollingWindows: 15,
      newTemplateHorizon: 10,
      allowedLatenessSeconds,
    });
    // One multi-output commit (docs/decisions.md 37): the companions first, gold/windows last naming
    // them, so readers of Gold (train, score, monitor) refuse a set a crash left half replaced.
    // Each table is built, written and dropped before the next is built: one at a time in memory.
    const { events, sessions } = await aggregateSilver(ctx, opts, silver, windows, new SessionAggregator(keyOf, sessionGapMs));
    if (windows.lateEvents) {
      ctx.log.warn(
        { lateEvents: windows.lateEvents, allowedLateness: opts.allowedLateness },
        'events arrived more than --allowed-lateness behind newer ones: they count in every window counter but not in its latency percentiles or distinct users; ingest files in time order or raise --allowed-lateness',
      );
    }
    const windowRows = windows.rows(await loadFirstSeen(ctx.lake, opts.date, true));
    // The reading's state (the sessions, the windows' values) and its garbage are dead now, and
    // building Gold allocates ~35 MB: collected first, the peak fell by ~20 MB at 1M and 10M logs
    // and varied less, for 25–50 ms (decision 110).
    fullCollection()();
    const templates = new PartitionWriter(ctx.lake, goldWindowTemplates, opts.date, ctx.runId, ON_CALLING_THREAD);
    const windowTemplates = await writeWhole(templates, goldWindowTemplates, tfidfRows(windowRows));
    await templates.commit();
    const windowsWriter = new PartitionWriter(ctx.lake, goldWindows, opts.date, ctx.runId, ON_CALLING_THREAD);
    await writeWhole(windowsWriter, goldWindows, goldWindowRows(windowRows), Math.max(1, windowRows.length));
    await windowsWriter.commit({
      extra: { events, windowSeconds, features: WINDOW_FEATURES },
      companions: { [GOLD_COMPANIONS.windowTemplates]: ctx.runId, [GOLD_COMPANIONS.sessions]: ctx.runId },
    });
    return {
      date: opts.date,
      events,
      windows: windowRows.length,
      windowTemplates,
      sessions,
      lateEvents: windows.lateEvents,
      windowSeconds,
    };
  });
}

// Every output is encoded on this thread: the worker thread's heap and wasm memory grew with the
// number of session parts (+20 MB at 10M logs), for a few parts of small rows.
const ON_CALLING_THREAD = { onCallingThread: true };
// Batches are views of their builder's buffers, not copies: each is encoded as `write` is called,
// before another row goes in. The copies were ~15 MB per session part, and at 10M logs (18 parts)
// their churn left 10 MB more resident at the peak (decision 110).
const LENT = { lendBuffers: true };

/**
 * Reads Silver into the window aggregator and the sessions, and writes and commits gold/sessions as
 * sessions close: the step holds only the sessions still open, and the day's session keys die here.
 */
async function aggregateSilver(
  ctx: StepContext,
  opts: z.infer<typeof featuresOptions>,
  silver: PartitionManifest,
  windows: TimeWindowAggregator,
  sessions: SessionAggregator,
): Promise<{ events: number; sessions: number }> {
  const sessionWriter = new PartitionWriter(ctx.lake, goldSessions, opts.date, ctx.runId, ON_CALLING_THREAD);
  // Their values go into Arrow buffers as each session closes: 10K sessions' JSON strings held until
  // a part was full outlived many young collections (190 MB promoted at 10M logs).
  const sessionRows = new ColumnBatchBuilder(goldSessions, 10_000, undefined, LENT);
  let sessionCount = 0;
  const emitSessions = async (rows: Iterable<SessionRow>) => {
    for (const r of rows) {
      const full = sessionRows.push(goldSessionRow(r));
      sessionCount++;
      if (full) await sessionWriter.write(full);
    }
  };
  let events = 0;
  // Every decoded row is its own string; sessions keep one per event, so share one per template id
  // (1,595 → 1,480 MB at 10M logs).
  const intern = interner();
  // Rows parsed before a template merged into an older one carry the old id: count them under the surviving one.
  const aliases = await loadTemplateAliases(ctx.lake, opts.date);
  // Read only what windows and sessions use; the message only when a regex extracts the session key.
  const needed = [
    'ts',
    'service',
    'level',
    'latency_ms',
    'status',
    'user_id',
    'session_id',
    'template_id',
    ...(opts.sessionKey === 'session_id' ? [] : ['message']),
  ];
  // Silver a slice at a time (its columns die young); idle sessions close where each part ends, as
  // they did when a part was read whole, so the sessions are the same.
  for await (const part of readCommittedSlices(ctx.lake, silverLogs, silver, needed)) {
    for await (const batch of part) {
      const c = batch.columns;
      for (let i = 0; i < batch.rows; i++) {
        const e = {
          ts: (c.ts as Float64Array)[i],
          service: c.service[i] as string,
          level: c.level[i] as string,
          latency_ms: (c.latency_ms as Float64Array)[i],
          status: (c.status[i] as number | null) ?? null,
          user_id: c.user_id[i] as string | null,
          session_id: c.session_id[i] as string | null,
          template_id: intern(resolveAlias(aliases, c.template_id[i] as string)),
          message: (c.message?.[i] as string | undefined) ?? '',
        };
        windows.add(e);
        sessions.add(e);
        events++;
      }
    }
    await emitSessions(sessions.closeIdle());
  }
  await emitSessions(sessions.closeAll());
  await sessionWriter.write(sessionRows.flush());
  await sessionWriter.commit({ extra: { sessionKey: opts.sessionKey, sessionGap: opts.sessionGap } });
  return { events, sessions: sessionCount };
}

function* goldWindowRows(rows: readonly WindowRow[]) {
  for (const r of rows) yield { window_start: r.window_start, window_seconds: r.window_seconds, service: r.service, ...r.features };
}

/** Writes rows as one part of the writer's table; returns how many rows. */
async function writeWhole<Row extends object>(writer: PartitionWriter, spec: TableSpec, rows: Iterable<Row>, initialRows?: number): Promise<number> {
  // Values go into Arrow buffers row by row: the day's rows as objects and then as column arrays
  // were once the step's last peak.
  const builder = new ColumnBatchBuilder<Row>(spec, Number.MAX_SAFE_INTEGER, initialRows, LENT);
  for (const row of rows) builder.push(row);
  const count = builder.rows;
  await writer.write(builder.flush());
  return count;
}

function resolveAlias(aliases: ReadonlyMap<string, string>, id: string): string {
  return aliases.size === 0 ? id : (aliases.get(id) ?? id);
}
