import type { AnomalyRow } from '../../shared/db/anomalies';
import type { Evaluation } from '../../shared/eventEvaluation';
import type { UnitEvaluation } from '../../shared/unitEvaluation';
import { reasonOf } from '../../shared/anomalyReasons';
import { severityLevel } from './severity';
import { groupIncidents } from '../../shared/incidents';

/** What `report` prints: counts by service, type and severity, the top anomalies, and metrics. */
export interface ReportSummary {
  from: string;
  to: string;
  anomalies: number;
  byService: Record<string, number>;
  byType: Record<string, number>;
  bySeverity: { low: number; medium: number; high: number; critical: number };
  /** The most severe incidents (neighbouring anomalies of one service and type, grouped as `alert` groups them), not single windows. */
  topIncidents: { service: string; type: string; start: string; end: string; anomalies: number; severity: number; detectors: string[]; reason: string }[];
  evaluation?: Evaluation & Partial<UnitEvaluation>;
}

const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

export function summarize(
  from: string,
  to: string,
  rows: readonly AnomalyRow[],
  evaluation?: Evaluation & Partial<UnitEvaluation>,
  options: { incidentGapMs?: number; topN?: number } = {},
): ReportSummary {
  const byService: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const bySeverity = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const r of rows) {
    bump(byService, r.service);
    bump(byType, r.anomaly_type ?? 'unknown');
    bySeverity[severityLevel(r.severity)]++;
  }
  return {
    from,
    to,
    anomalies: rows.length,
    byService,
    byType,
    bySeverity,
    topIncidents: topIncidents(rows, options.incidentGapMs ?? 5 * 60_000, options.topN ?? 10),
    evaluation,
  };
}

/** Incidents by severity, then size: ten minutes of one outage are one line, not the whole top ten. */
function topIncidents(rows: readonly AnomalyRow[], gapMs: number, topN: number): ReportSummary['topIncidents'] {
  const withReason = rows.map((r) => ({ ...r, reason: reasonOf(r.explanation) }));
  return groupIncidents(withReason, gapMs)
    .sort((a, b) => b.severity - a.severity || b.anomalyCount - a.anomalyCount || a.firstSeen - b.firstSeen || a.service.localeCompare(b.service))
    .slice(0, topN)
    .map((i) => ({
      service: i.service,
      type: i.anomalyType,
      start: new Date(i.firstSeen).toISOString(),
      end: new Date(i.lastSeen).toISOString(),
      anomalies: i.anomalyCount,
      severity: i.severity,
      detectors: [
        ...new Set(
          withReason
            .filter(
              (r) => r.service === i.service && (r.anomaly_type ?? 'other') === i.anomalyType && r.window_start >= i.firstSeen && r.window_start <= i.lastSeen,
            )
            .flatMap((r) => r.detectors),
        ),
      ].sort(),
      reason: i.reasons[0] ?? '',
    }));
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
  if (s.topIncidents.length) {
    lines.push('top incidents:');
    for (const t of s.topIncidents) {
      const span = `${t.start.slice(0, 16).replace('T', ' ')}–${t.end.slice(11, 16)}`;
      const windows = `${t.anomalies} ${t.anomalies === 1 ? 'anomaly' : 'anomalies'}`;
      lines.push(`  ${span}  ${t.service.padEnd(20)} sev ${String(t.severity).padStart(3)}  ${t.type.padEnd(19)} ${windows.padEnd(13)} ${t.reason}`);
    }
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
