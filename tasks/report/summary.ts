import type { AnomalyRow } from '../../shared/db/anomalies';
import type { Evaluation } from '../../shared/eventEvaluation';
import type { UnitEvaluation } from '../../shared/unitEvaluation';
import { reasonOf } from '../../shared/anomalyReasons';
import { severityLevel } from './severity';

/** What `report` prints: counts by service, type and severity, the top anomalies, and metrics. */
export interface ReportSummary {
  from: string;
  to: string;
  anomalies: number;
  byService: Record<string, number>;
  byType: Record<string, number>;
  bySeverity: { low: number; medium: number; high: number; critical: number };
  top: { service: string; entity: string; start: string; severity: number; type: string | null; detectors: string[]; reason: string }[];
  evaluation?: Evaluation & Partial<UnitEvaluation>;
}

const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

export function summarize(from: string, to: string, rows: readonly AnomalyRow[], evaluation?: Evaluation & Partial<UnitEvaluation>, topN = 10): ReportSummary {
  const byService: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const bySeverity = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const r of rows) {
    bump(byService, r.service);
    bump(byType, r.anomaly_type ?? 'unknown');
    bySeverity[severityLevel(r.severity)]++;
  }
  const top = [...rows]
    .sort((a, b) => b.severity - a.severity || b.score - a.score || a.window_start - b.window_start)
    .slice(0, topN)
    .map((r) => ({
      service: r.service,
      entity: r.entity_kind === 'session' ? `session ${r.entity_key}` : 'window',
      start: new Date(r.window_start).toISOString(),
      severity: r.severity,
      type: r.anomaly_type,
      detectors: r.detectors,
      reason: reasonOf(r.explanation),
    }));
  return { from, to, anomalies: rows.length, byService, byType, bySeverity, top, evaluation };
}

const pct = (v: number) => (v * 100).toFixed(1).padStart(5) + ' %';

export function formatText(s: ReportSummary): string {
  const lines = [
    `log-sentinel report ${s.from} .. ${s.to}`,
    `anomalies: ${s.anomalies}  (critical ${s.bySeverity.critical}, high ${s.bySeverity.high}, medium ${s.bySeverity.medium}, low ${s.bySeverity.low})`,
    '',
  ];
  lines.push(
    'by service: ' +
      Object.entries(s.byService)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  lines.push(
    'by type:    ' +
      Object.entries(s.byType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    '',
  );
  if (s.top.length) {
    lines.push('top anomalies:');
    for (const t of s.top) lines.push(`  ${t.start}  ${t.service.padEnd(16)} sev ${String(t.severity).padStart(3)}  ${(t.type ?? '?').padEnd(20)} ${t.reason}`);
    lines.push('');
  }
  const e = s.evaluation;
  if (e) {
    lines.push(
      `against labels: precision ${pct(e.precision)}  recall ${pct(e.recall)}  F1 ${pct(e.f1)}  (incidents ${e.found}/${e.incidents} found, ${e.truePositives} correct and ${e.falsePositives} false detections)`,
    );
    if (e.perIncident && e.perWindow) {
      const i = e.perIncident;
      const w = e.perWindow;
      lines.push(
        `  per incident: precision ${pct(i.precision)}  recall ${pct(i.recall)}  F1 ${pct(i.f1)}  (${i.truePositives} of ${i.truePositives + i.falsePositives} detected incidents real; ${i.found} of ${i.incidents} labeled found)`,
      );
      lines.push(
        `  per window:   precision ${pct(w.precision)}  recall ${pct(w.recall)}  F1 ${pct(w.f1)}  (${w.truePositives} of ${w.truePositives + w.falsePositives} flagged windows/sessions labeled; ${w.found} of ${w.incidents} labeled windows/sessions flagged)`,
      );
    }
    lines.push('  type                   precision   recall      F1   found');
    for (const [type, m] of Object.entries(e.byType))
      lines.push(`  ${type.padEnd(22)} ${pct(m.precision)}  ${pct(m.recall)}  ${pct(m.f1)}   ${m.found}/${m.incidents}`);
    if (e.missed.length) lines.push('  missed: ' + e.missed.map((m) => `${m.type}@${m.service} ${m.start}`).join('; '));
  }
  return lines.join('\n') + '\n';
}
