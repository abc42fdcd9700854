import { rename, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { runStep, type StepOptions, type StepContext } from '../../shared/runtime';
import { listAnomalies, type AnomalyRow } from '../../shared/db/anomalies';
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
import { crashPoint } from '../../shared/faultInjection';
import { loadExplorerInput } from './explorer/load';
import { shapeExplorer } from './explorer/shape';
import { renderExplorer } from './explorer/render';
import { loadExplorerAssets } from './explorer/assets';
import { joinKey } from '../../shared/store/objectStore';

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
  /** Also write the explorer to the lake, at reportKey(from, to): what the daily DAG links to. */
  publish: z.boolean().default(false),
  /** The model whose baseline the explorer draws (the one that scored the range, by default production). */
  name: z.string().default('sentinel'),
  lake: z.string().optional(),
});

/** Where `--publish` puts the explorer in the lake: one page per date (a range gets its own key). */
export function reportKey(from: string, to: string): string {
  return from === to ? `reports/date=${from}/report.html` : `reports/range=${from}_${to}/report.html`;
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
    const summary = summarize(opts.from, opts.to, rows, evaluation, { incidentGapMs: ctx.config.alertGroupGapMinutes * 60_000 });
    const sessionEvaluation = opts.sessionLabels
      ? evaluateSessions(await scoredSessions(ctx, dates, rows), await readSessionLabels(opts.sessionLabels))
      : undefined;
    const lineEvaluation = opts.lineLabels ? await evaluateLineLabels(ctx, dates, lineWindowings(opts), opts.normalLabel, rows) : undefined;
    crashPoint('report:after-read');
    let published: string | undefined;
    if (opts.html || opts.publish) {
      const input = await loadExplorerInput(db.pool, ctx.lake, {
        from: opts.from,
        to: opts.to,
        dates,
        modelName: opts.name,
        incidentGapMs: ctx.config.alertGroupGapMinutes * 60_000,
        anomalies: rows,
      });
      const html = renderExplorer(shapeExplorer(input), await loadExplorerAssets());
      if (opts.html) {
        // A temp file renamed over the report: a crash never leaves a half-written page where the last one was.
        const temp = `${opts.html}.${ctx.runId}.tmp`;
        await writeFile(temp, html);
        crashPoint('report:html-before-rename');
        await rename(temp, opts.html);
        ctx.log.info({ file: opts.html, bytes: Buffer.byteLength(html) }, 'HTML anomaly explorer written');
      }
      if (opts.publish) {
        const key = reportKey(opts.from, opts.to);
        await ctx.lake.put(key, Buffer.from(html, 'utf8'));
        published = joinKey(ctx.lake.uri, key);
        ctx.log.info({ report: published, bytes: Buffer.byteLength(html) }, `anomaly explorer published: ${published}`);
      }
    }
    const sessionText = sessionEvaluation
      ? `\nper session (${sessionEvaluation.sessions} labeled sessions): precision ${(sessionEvaluation.precision * 100).toFixed(1)} %  recall ${(sessionEvaluation.recall * 100).toFixed(1)} %  F1 ${(sessionEvaluation.f1 * 100).toFixed(1)} %\n`
      : '';
    const lineText = lineEvaluation ? '\n' + formatLineEvaluation(lineEvaluation) : '';
    // anomalies and report first: the step's one-line summary prints them (shared/runtime facts).
    return {
      anomalies: summary.anomalies,
      ...(published ? { report: published } : {}),
      summary: { ...summary, sessionEvaluation, lineEvaluation, ...(published ? { report: published } : {}) },
      text: formatText(summary) + sessionText + lineText,
    };
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
    return {
      from: summary.from,
      to: summary.to,
      anomalies: summary.anomalies,
      ...(e ? { precision: e.precision, recall: e.recall, f1: e.f1 } : {}),
      ...(summary.report ? { report: summary.report } : {}),
    };
  }
  return summary;
}
