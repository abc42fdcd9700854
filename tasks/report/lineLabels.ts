import type { StepContext } from '../../shared/runtime';
import { readManifest, readPartition } from '../../shared/lake';
import { silverLogs } from '../../shared/schemas';
import { scoredPartitions } from './scoredPartitions';
import type { AnomalyRow } from '../../shared/db/anomalies';
import { BadInputError } from '../../shared/errors';
import { evaluateLineWindows, flagLines, type EvaluationWindows, type FlaggedWindow, type LabeledLine, type LineEvaluation } from '../../shared/lineEvaluation';

/**
 * `report --line-labels`: the labels each Silver line carries (ingested from a log format with
 * <Label>, e.g. BGL, or a JSON `label` field) against the scored windows, per evaluation window.
 */
export async function evaluateLineLabels(
  ctx: StepContext,
  dates: string[],
  windowings: EvaluationWindows[],
  normalLabel: string,
  anomalies: readonly AnomalyRow[],
): Promise<LineEvaluation[]> {
  const lines: LabeledLine[] = [];
  const flagged: FlaggedWindow[] = [];
  for (const date of dates) {
    if (!(await readManifest(ctx.lake, silverLogs, date))) continue;
    for await (const batch of readPartition(ctx.lake, silverLogs, date, undefined, ['ts', 'service', 'label'])) {
      const { ts, service, label } = batch.columns;
      for (let i = 0; i < batch.rows; i++) {
        if (label[i] === null || label[i] === undefined) continue;
        lines.push({ ts: (ts as Float64Array)[i], service: service[i] as string, anomalous: label[i] !== normalLabel });
      }
    }
  }
  for await (const s of scoredPartitions(ctx.lake, dates, anomalies)) {
    for (let i = 0; i < s.rows; i++) {
      if (s.columns.entity_kind[i] !== 'window' || s.columns.anomalous[i] !== true) continue;
      flagged.push({
        service: s.columns.service[i] as string,
        start: (s.columns.window_start as Float64Array)[i],
        end: (s.columns.window_end as Float64Array)[i],
      });
    }
  }
  if (!lines.length) {
    throw new BadInputError(
      `no labeled lines in Silver for ${dates[0]}..${dates[dates.length - 1]}: ingest with a log format that has a <Label> field (e.g. --log-format bgl) or JSON lines with a "label" field, then parse, features and score`,
    );
  }
  // Stable sort keeps file order among equal timestamps, so N-line windows follow the source.
  const order = lines.map((_, i) => i).sort((a, b) => lines[a].ts - lines[b].ts || a - b);
  const sorted = order.map((i) => lines[i]);
  const flaggedLines = flagLines(sorted, flagged);
  return windowings.map((w) => evaluateLineWindows(sorted, flaggedLines, w));
}

export function formatLineEvaluation(results: readonly LineEvaluation[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const head = `per line labels (${results[0].lines} labeled lines, ${results[0].anomalousLines} anomalous, ${results[0].flaggedLines} in flagged windows):\n`;
  return (
    head +
    results
      .map(
        (r) =>
          `  windows of ${r.windowing.padEnd(9)} ${String(r.windows).padStart(6)} windows, ${String(r.anomalousWindows).padStart(5)} anomalous: precision ${pct(r.precision)}  recall ${pct(r.recall)}  F1 ${pct(r.f1)}\n`,
      )
      .join('')
  );
}
