import { rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { runStep, type StepOptions, type StepContext } from '../../shared/runtime';
import { listAnomalies, type AnomalyRow } from '../../shared/db/anomalies';
import { listOpenAlerts } from '../../shared/db/alerts';
import { listMetrics } from '../../shared/db/metrics';
import { readManifest, readPartitionAll } from '../../shared/lake';
import { goldWindows } from '../../shared/schemas';
import { scoredPartitions } from './scoredPartitions';
import { dateRange } from '../../shared/dates';
import { parseOptions } from '../options';
import { evaluateDetections, evaluateSessions, parseSessionLabels } from '../../shared/eventEvaluation';
import { evaluateByUnit } from '../../shared/unitEvaluation';
import { readFile } from 'node:fs/promises';
import { BadInputError } from '../../shared/errors';
import { loadLabels } from '../../shared/labels';
import { formatText, summarize } from './summary';
import { evaluateLineLabels, formatLineEvaluation } from './lineLabels';
import type { EvaluationWindows } from '../../shared/lineEvaluation';
import { renderHtml, type TimelinePoint } from './html';
import { crashPoint } from '../../shared/faultInjection';

export const reportOptions = z.object({
  from: z.string(),
  to: z.string(),
  labels: z.string().optional(),
  /** Per-session labels, `id,Label` CSV (e.g. HDFS anomaly_label.csv). */
  sessionLabels: z.string().optional(),
  /** Evaluate against the label each Silver line carries (BGL-style), in windows of N lines and/or T seconds. */
  lineLabels: z.boolean().default(false),
  windowLines: z.coerce.number().int().positive().optional(),
  windowSeconds: z.coerce.number().positive().optional(),
  normalLabel: z.string().default('-'),
  format: z.enum(['text', 'json']).default('text'),
  html: z.string().optional(),
  lake: z.string().optional(),
});

/** Volume and error rate over all services, per window, from Gold. */
async function timeline(ctx: StepContext, dates: string[]): Promise<TimelinePoint[]> {
  const byT = new Map<number, { count: number; errors: number }>();
  for (const date of dates) {
    if (!(await readManifest(ctx.lake, goldWindows, date))) continue;
    const g = await readPartitionAll(ctx.lake, goldWindows, date);
    const t = g.columns.window_start as Float64Array;
    const c = g.columns.count as Float64Array;
    const e = g.columns.error_count as Float64Array;
    for (let i = 0; i < g.rows; i++) {
      const p = byT.get(t[i]) ?? { count: 0, errors: 0 };
      p.count += c[i];
      p.errors += e[i];
      byT.set(t[i], p);
    }
  }
  return [...byT.entries()].sort(([a], [b]) => a - b).map(([t, p]) => ({ t, count: p.count, errorRate: p.count ? p.errors / p.count : 0 }));
}

async function scoreValues(ctx: StepContext, dates: string[], anomalies: readonly AnomalyRow[]): Promise<number[]> {
  const out: number[] = [];
  for await (const s of scoredPartitions(ctx.lake, dates, anomalies)) {
    const kinds = s.columns.entity_kind;
    const scores = s.columns.score as Float64Array;
    for (let i = 0; i < s.rows; i++) if (kinds[i] === 'window') out.push(scores[i]);
  }
  return out;
}

/** Anomalies of the range, with metrics when labels exist; the HTML report when asked. */
export async function buildReport(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(reportOptions, raw, 'report');
  const dates = dateRange(opts.from, opts.to);
  return runStep({ task: 'report', partition: `${opts.from}..${opts.to}`, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const db = await ctx.db();
    const rows = await listAnomalies(db.pool, opts.from, opts.to);
    const labels = await loadLabels(ctx.lake, opts.from, opts.to, opts.labels);
    const evaluation = labels ? { ...evaluateDetections(rows, labels), ...evaluateByUnit(rows, labels) } : undefined;
    const summary = summarize(opts.from, opts.to, rows, evaluation);
    const sessionEvaluation = opts.sessionLabels
      ? evaluateSessions(await scoredSessions(ctx, dates, rows), await readSessionLabels(opts.sessionLabels))
      : undefined;
    const lineEvaluation = opts.lineLabels ? await evaluateLineLabels(ctx, dates, lineWindowings(opts), opts.normalLabel, rows) : undefined;
    crashPoint('report:after-read');
    if (opts.html) {
      const metrics = await listMetrics(db.pool, opts.from, opts.to);
      const alerts = await listOpenAlerts(db.pool);
      const html = renderHtml({
        summary,
        timeline: await timeline(ctx, dates),
        anomalyTimes: rows.map((r) => r.window_start),
        scores: await scoreValues(ctx, dates, rows),
        metrics,
        alerts,
      });
      // A temp file renamed over the report: a crash never leaves a half-written page where the last one was.
      const temp = `${opts.html}.${ctx.runId}.tmp`;
      await writeFile(temp, html);
      crashPoint('report:html-before-rename');
      await rename(temp, opts.html);
      ctx.log.info({ file: opts.html }, 'HTML report written');
    }
    const sessionText = sessionEvaluation
      ? `\nper session (${sessionEvaluation.sessions} labeled sessions): precision ${(sessionEvaluation.precision * 100).toFixed(1)} %  recall ${(sessionEvaluation.recall * 100).toFixed(1)} %  F1 ${(sessionEvaluation.f1 * 100).toFixed(1)} %\n`
      : '';
    const lineText = lineEvaluation ? '\n' + formatLineEvaluation(lineEvaluation) : '';
    return { summary: { ...summary, sessionEvaluation, lineEvaluation }, text: formatText(summary) + sessionText + lineText };
  });
}

/** loglizer's usual windows when none are asked for: 20 lines and 60 seconds. */
function lineWindowings(opts: { windowLines?: number; windowSeconds?: number }): EvaluationWindows[] {
  const out: EvaluationWindows[] = [];
  if (opts.windowLines) out.push({ lines: opts.windowLines });
  if (opts.windowSeconds) out.push({ seconds: opts.windowSeconds });
  return out.length ? out : [{ lines: 20 }, { seconds: 60 }];
}

async function readSessionLabels(file: string): Promise<Map<string, boolean>> {
  const text = await readFile(file, 'utf8').catch((err) => {
    throw new BadInputError(`cannot read --session-labels ${file}: ${(err as Error).message}`, { cause: err });
  });
  const labels = parseSessionLabels(text);
  if (!labels.size) throw new BadInputError(`--session-labels ${file} has no rows; expected a header and \`id,Label\` lines (Normal/Anomaly)`);
  return labels;
}

/** Every scored session of the range with its verdict (not only the anomalous ones in PostgreSQL). */
async function scoredSessions(ctx: StepContext, dates: string[], anomalies: readonly AnomalyRow[]): Promise<{ key: string; anomalous: boolean }[]> {
  const out: { key: string; anomalous: boolean }[] = [];
  for await (const s of scoredPartitions(ctx.lake, dates, anomalies)) {
    for (let i = 0; i < s.rows; i++)
      if (s.columns.entity_kind[i] === 'session') out.push({ key: s.columns.entity_key[i] as string, anomalous: s.columns.anomalous[i] === true });
  }
  return out;
}

export async function writeHtmlReport(raw: { from: string; to: string; lake?: string; html: string; labels?: string }, step: Partial<StepOptions> = {}) {
  return buildReport({ ...raw, format: 'json' }, step);
}

export async function run(raw: unknown) {
  const { summary, text } = await buildReport(raw);
  const format = (raw as { format?: string }).format ?? 'text';
  if (format === 'text') {
    process.stdout.write(text);
    const e = summary.evaluation;
    return { from: summary.from, to: summary.to, anomalies: summary.anomalies, ...(e ? { precision: e.precision, recall: e.recall, f1: e.f1 } : {}) };
  }
  return summary;
}
