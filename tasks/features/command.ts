import { z } from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { readPartition, writePartition } from '../../shared/lake';
import { BatchBuilder } from '../../shared/batchBuilder';
import { goldSessions, goldWindows, goldWindowTemplates, silverLogs, WINDOW_FEATURES } from '../../shared/schemas';
import { dayStart } from '../../shared/dates';
import { BadInputError } from '../../shared/errors';
import { parseOptions } from '../options';
import { loadFirstSeen } from '../parse/templateStore';
import { TimeWindowAggregator } from './timeWindows';
import { SessionAggregator, sessionKeyExtractor } from './sessions';
import { tfidfRows } from './tfidf';

export const featuresOptions = z.object({
  date: z.string(),
  window: z.string().default('1m'),
  sessionKey: z.string().default('session_id'),
  lake: z.string().optional(),
});

export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!m) throw new BadInputError(`invalid --window "${text}": use e.g. 30s, 1m, 5m, 1h`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
  if (seconds <= 0 || 86_400 % seconds !== 0) throw new BadInputError(`--window ${text} must divide a day evenly`);
  return seconds;
}

/** silver/logs → gold/windows, gold/window_templates, gold/sessions for one date. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(featuresOptions, raw, 'features');
  const windowSeconds = parseDuration(opts.window);
  let keyOf;
  try {
    keyOf = sessionKeyExtractor(opts.sessionKey);
  } catch (err) {
    throw new BadInputError(`invalid --session-key "${opts.sessionKey}": ${(err as Error).message}`, { cause: err });
  }
  return runStep({ task: 'features', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const windows = new TimeWindowAggregator({ dayStart: dayStart(opts.date), windowSeconds, rollingWindows: 15, newTemplateHorizon: 10 });
    const sessions = new SessionAggregator(keyOf);
    let events = 0;
    // Every decoded row is its own string; sessions keep one per event, so share one per template id
    // (1,595 → 1,480 MB at 10M logs).
    const interned = new Map<string, string>();
    const intern = (id: string) => interned.get(id) ?? (interned.set(id, id), id);
    // Read only what windows and sessions use; the message only when a regex extracts the session key.
    const needed = ['ts', 'service', 'level', 'latency_ms', 'status', 'user_id', 'session_id', 'template_id', ...(opts.sessionKey === 'session_id' ? [] : ['message'])];
    for await (const batch of readPartition(ctx.lake, silverLogs, opts.date, 'run `sentinel parse --date ' + opts.date + '` first', needed)) {
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
          template_id: intern(c.template_id[i] as string),
          message: (c.message?.[i] as string | undefined) ?? '',
        };
        windows.add(e);
        sessions.add(e);
        events++;
      }
    }
    const firstSeen = await loadFirstSeen(ctx.lake, opts.date, true);
    const windowRows = windows.rows(firstSeen);
    const w = new BatchBuilder(goldWindows, Number.MAX_SAFE_INTEGER);
    for (const r of windowRows) w.push({ window_start: r.window_start, window_seconds: r.window_seconds, service: r.service, ...r.features });
    const t = new BatchBuilder(goldWindowTemplates, Number.MAX_SAFE_INTEGER);
    for (const r of tfidfRows(windowRows)) t.push({ ...r });
    const s = new BatchBuilder(goldSessions, Number.MAX_SAFE_INTEGER);
    const sessionRows = sessions.rows();
    for (const r of sessionRows) s.push({ ...r, sequence: JSON.stringify(r.sequence), template_counts: JSON.stringify(r.template_counts) });

    const extra = { events, windowSeconds, features: WINDOW_FEATURES };
    const templateRows = t.rows;
    await writePartition(ctx.lake, goldWindows, opts.date, [w.flush()], { runId: ctx.runId, extra });
    await writePartition(ctx.lake, goldWindowTemplates, opts.date, [t.flush()], { runId: ctx.runId });
    await writePartition(ctx.lake, goldSessions, opts.date, [s.flush()], { runId: ctx.runId, extra: { sessionKey: opts.sessionKey } });
    return { date: opts.date, events, windows: windowRows.length, windowTemplates: templateRows, sessions: sessionRows.length, windowSeconds };
  });
}
