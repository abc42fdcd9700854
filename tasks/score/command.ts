import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { inTransaction } from '../../shared/db/database';
import { getModel } from '../../shared/db/models';
import { replaceAnomalies, type AnomalyRow } from '../../shared/db/anomalies';
import { PartitionWriter, readCommittedSlices, requireManifest } from '../../shared/lake';
import { ColumnBatchBuilder } from '../../shared/batchBuilder';
import { scoredWindows, silverLogs } from '../../shared/schemas';
import { BadInputError } from '../../shared/errors';
import { loadModelJson } from '../../shared/models/artifacts';
import { loadSessions, scoreBundle, scoreSessionSequences, type ModelBundle } from '../../shared/models/bundle';
import { explainSession } from '../../shared/models/sessionModel';
import { withTemplateTexts } from './templateTexts';
import { emptySessionData, loadWindowData, readSessionParts, windowKey } from '../../shared/models/trainingData';
import { parseOptions } from '../options';
import { SampleLineCollector } from './sampleLines';
import { sessionAnomaly, windowAnomaly, type PendingAnomaly } from '../../shared/anomalyRows';
import { crashPoint } from '../../shared/faultInjection';
import { anomalySet } from '../../shared/scoredAnomalies';

export const scoreOptions = z.object({
  date: z.string(),
  name: z.string().default('sentinel'),
  modelVersion: z.coerce.number().int().positive().optional(),
  lake: z.string().optional(),
});

/** A row of scored/windows: every window and session, anomalous or not. */
type ScoredRow = Pick<AnomalyRow, 'entity_kind' | 'entity_key' | 'service' | 'window_start' | 'window_end' | 'score' | 'severity'> & {
  anomalous: boolean;
  /** JSON array of the detectors that fired. */
  detectors: string;
};

/**
 * Gold of a date → verdicts of the production model (or `--model-version`) → `scored/windows`
 * (every window and session with its score) and the date's anomalies in PostgreSQL, each with the
 * detectors that fired, the top deviating features or templates and sample log lines. The date's
 * anomalies are replaced in one transaction, so reruns never duplicate.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(scoreOptions, raw, 'score');
  return runStep({ task: 'score', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const { pool } = await ctx.db();
    const model = await getModel(pool, opts.name, opts.modelVersion);
    if (!model) {
      throw new BadInputError(
        opts.modelVersion
          ? `model ${opts.name} has no version ${opts.modelVersion}; see \`sentinel models list\``
          : `model ${opts.name} has no production version yet: run \`sentinel train --from D1 --to D2\` first`,
      );
    }
    const bundle = await loadModelJson<ModelBundle>(ctx.lake, opts.name, model.version);
    const windows = await loadWindowData(ctx.lake, [opts.date], bundle.windows.columns);
    const scores = await scoreBundle(bundle, windows, emptySessionData());
    const windowMs = windows.windowSeconds * 1000;
    const m = windows.matrix;

    // Every window and session goes to scored/windows part by part; only anomalies stay in memory.
    // Encoded on this thread: a few parts of small rows, where a worker thread's heap and wasm memory
    // would be a tenth of the step's peak RSS.
    const scoredWriter = new PartitionWriter(ctx.lake, scoredWindows, opts.date, ctx.runId, { onCallingThread: true });
    // Each row goes into Arrow buffers as it is scored: 50K rows of strings held until a part was full
    // outlived many young collections at 10M logs (176K sessions), and were promoted.
    const scored = new ColumnBatchBuilder<ScoredRow>(scoredWindows, 50_000);
    const pushScored = async (row: ScoredRow) => {
      const full = scored.push(row);
      if (full) await scoredWriter.write(full);
    };
    const origin = { date: opts.date, model_name: opts.name, model_version: model.version };
    const anomalies: PendingAnomaly[] = [];
    for (const v of scores.windows) {
      const key = windowKey(m.service[v.row], m.windowStart[v.row]);
      const common = {
        entity_key: key,
        service: m.service[v.row],
        window_start: m.windowStart[v.row],
        window_end: m.windowStart[v.row] + windowMs,
        score: v.score,
        severity: v.severity,
      };
      await pushScored({ entity_kind: 'window', ...common, anomalous: v.anomalous, detectors: JSON.stringify(v.detectors) });
      if (!v.anomalous) continue;
      anomalies.push(windowAnomaly(origin, common, v.detectors, scores.explain(v.row)));
    }
    let sessionCount = 0;
    const sessionModel = await loadSessions(bundle);
    for await (const sessions of sessionModel ? readSessionParts(ctx.lake, opts.date) : []) {
      const verdicts = await scoreSessionSequences(sessionModel, sessions);
      for (let i = 0; i < verdicts.length; i++) {
        const v = verdicts[i];
        const common = {
          entity_key: sessions.ids[i],
          service: sessions.service[i],
          window_start: sessions.start[i],
          window_end: sessions.end[i],
          score: v.score,
          severity: v.severity,
        };
        await pushScored({ entity_kind: 'session', ...common, anomalous: v.anomalous, detectors: JSON.stringify(v.detectors) });
        if (!v.anomalous) continue;
        const findings = await explainSession(sessionModel!, sessions.sequences[i], v.detectors, 3, sessions.times[i]);
        anomalies.push(sessionAnomaly(origin, common, v.detectors, findings, sessions.sequences[i]));
      }
      sessionCount += sessions.ids.length;
    }

    // Sample lines: one streaming pass over Silver, keyed like the anomalies.
    const interestingByKey = new Map(anomalies.map((a) => [a.entity_key, a.interesting]));
    const collector = new SampleLineCollector(
      anomalies.map((a) => a.entity_key),
      3,
      interestingByKey,
    );
    // Session findings name template ids; the Silver pass also picks up their texts for people.
    const namedTemplates = new Set(anomalies.filter((a) => a.entity_kind === 'session').flatMap((a) => [...a.interesting]));
    const templateTexts = new Map<string, string>();
    // Flagged windows by service and start: the Silver pass tests each line without building its
    // window key (a string per line was a tenth of score's CPU).
    const flaggedWindows = new Map<string, Set<number>>();
    for (const a of anomalies) {
      if (a.entity_kind !== 'window' || !collector.wants(windowKey(a.service, a.window_start))) continue;
      const starts = flaggedWindows.get(a.service) ?? new Set<number>();
      flaggedWindows.set(a.service, starts.add(a.window_start));
    }
    if (anomalies.length) {
      // Silver a slice at a time; messages, template texts, levels and template ids stay where the
      // Parquet reader put them and are decoded only for lines of flagged windows and sessions
      // (decoding all messages was a fifth of score, and copying them out a part at a time a third
      // of its peak memory).
      const silver = await requireManifest(ctx.lake, silverLogs, opts.date);
      for await (const part of readCommittedSlices(
        ctx.lake,
        silverLogs,
        silver,
        ['ts', 'service', 'level', 'template_id', 'template', 'message', 'session_id'],
        undefined,
        ['message', 'template', 'level', 'template_id'],
      ))
        for await (const b of part) {
          const ts = b.columns.ts as Float64Array;
          const { message: messages, template: templates, level: levels, template_id: templateIds } = b.inPlace!;
          const services = b.columns.service as string[];
          for (let i = 0; i < b.rows; i++) {
            const windowStart = Math.floor(ts[i] / windowMs) * windowMs;
            const session = b.columns.session_id[i] as string | null;
            const forWindow = flaggedWindows.get(services[i])?.has(windowStart) === true;
            const forSession = session !== null && collector.wants(session);
            if (!forWindow && !forSession) continue;
            const window = windowKey(services[i], windowStart);
            const line = { ts: ts[i], level: levels(i) as string, template_id: templateIds(i) as string };
            if (namedTemplates.has(line.template_id)) templateTexts.set(line.template_id, templates(i) as string);
            const message = () => String(messages(i) ?? '');
            if (forWindow) collector.offer(window, line, message);
            if (forSession) collector.offer(session, line, message);
          }
        }
    }
    const rows: AnomalyRow[] = anomalies.map(({ interesting: _i, ...a }) => ({
      ...a,
      explanation: { ...withTemplateTexts(a.explanation as Record<string, unknown>, templateTexts), sample_lines: collector.get(a.entity_key) },
    }));

    await scoredWriter.write(scored.flush());
    // The lake first, naming the anomaly set; then the rows. A crash between them leaves a set that
    // monitor and report refuse until score is rerun (shared/scoredAnomalies.ts).
    const written = await scoredWriter.commit({ extra: { model: opts.name, modelVersion: model.version, anomalies: anomalySet(rows) } });
    await inTransaction(pool, (client) => replaceAnomalies(client, opts.date, ['window', 'session'], rows));
    crashPoint('db:anomalies:after-commit');
    const byType: Record<string, number> = {};
    for (const r of rows) byType[r.anomaly_type ?? 'other'] = (byType[r.anomaly_type ?? 'other'] ?? 0) + 1;
    return {
      date: opts.date,
      model: opts.name,
      modelVersion: model.version,
      windows: m.rows,
      sessions: sessionCount,
      scored: written.rows,
      anomalies: rows.length,
      byType,
    };
  });
}
