/**
 * The anomaly explorer's data, shaped for the page: per service the charted window features with
 * the band the baseline calls normal, every anomaly with its reason and sample lines, anomalies
 * grouped into incidents (linked to their alerts), a services × time swimlane and the monitoring
 * metrics. Pure: data in, one JSON-safe object out (the page embeds it).
 */
import type { AnomalyRow } from '../../../shared/db/anomalies';
import type { AlertRow } from '../../../shared/db/alerts';
import type { MetricPoint } from '../../../shared/db/metrics';
import { reasonOf } from '../../../shared/anomalyReasons';
import { groupIncidents } from '../../../shared/incidents';
import { severityLevel, type SeverityLevel } from '../severity';
import {
  CHARTED_FEATURES,
  chartResolution,
  round4,
  roundScore,
  seriesOf,
  SWIMLANE_BUCKETS_MS,
  type BandOf,
  type ServiceSeries,
  type WindowRecord,
} from './series';

export interface ExplorerInput {
  from: string;
  to: string;
  windowMs: number;
  windows: readonly WindowRecord[];
  band?: BandOf;
  /** The combined score's threshold (the model's). */
  scoreThreshold?: number;
  model?: string;
  anomalies: readonly AnomalyRow[];
  alerts: readonly AlertRow[];
  /** The alert step's grouping gap: the page's incidents are the alert step's incidents. */
  incidentGapMs: number;
  metrics: readonly MetricPoint[];
  metricThresholds: Readonly<Record<string, number>>;
}

export interface SampleLine {
  ts: string;
  level: string;
  template_id: string;
  message: string;
}

export interface ExplorerAnomaly {
  id: number;
  /** A stream's never-seen template is its own kind, shown like a window. */
  kind: AnomalyRow['entity_kind'];
  key: string;
  service: string;
  start: number;
  end: number;
  severity: number;
  level: SeverityLevel;
  type: string;
  detectors: string[];
  score: number;
  reason: string;
  contributions: { feature: string; value: number; expected: number; z: number }[];
  findings: { text: string; templates: string[] }[];
  samples: SampleLine[];
  incident: number;
}

export interface ExplorerIncident {
  id: number;
  service: string;
  type: string;
  start: number;
  end: number;
  severity: number;
  level: SeverityLevel;
  anomalies: number;
  summary: string;
  reasons: string[];
  detectors: string[];
  /** Deviating features (windows) or events/templates (sessions), most frequent first. */
  deviating: string[];
  /** The templates that deviated (template: features) or that the findings name, each with a log line of it when a sample has one. */
  templates: { template: string; example: string | null }[];
  samples: SampleLine[];
  alert: { id: number; status: string } | null;
}

export interface ExplorerData {
  from: string;
  to: string;
  windowMs: number;
  /** The charts' time step: the window, coarser over long ranges (chartResolution). */
  resolutionMs: number;
  model: string | null;
  scoreThreshold: number | null;
  features: { name: string; label: string; unit: string }[];
  services: string[];
  series: Record<string, ServiceSeries>;
  anomalies: ExplorerAnomaly[];
  incidents: ExplorerIncident[];
  /** The swimlane's time buckets; the page colours each cell by the highest severity of its filtered anomalies. */
  swimlane: { start: number; bucketMs: number; buckets: number };
  monitoring: { metric: string; threshold: number | null; points: [date: string, value: number][] }[];
}

/** The smallest bucket that keeps the swimlane at most `maxBuckets` columns wide. */
export function swimlaneBucket(spanMs: number, windowMs: number, maxBuckets = 120): number {
  return SWIMLANE_BUCKETS_MS.find((b) => b >= windowMs && spanMs / b <= maxBuckets) ?? SWIMLANE_BUCKETS_MS[SWIMLANE_BUCKETS_MS.length - 1];
}

interface Explanation {
  contributions?: { feature: string; value: number; expected: number; z: number }[];
  findings?: { text: string; templates?: (string | null)[]; events?: string[] }[];
  sample_lines?: SampleLine[];
}

function toAnomaly(r: AnomalyRow, id: number): ExplorerAnomaly {
  const e = (r.explanation ?? {}) as Explanation;
  return {
    id,
    kind: r.entity_kind,
    key: r.entity_key,
    service: r.service,
    start: r.window_start,
    end: r.window_end,
    severity: Math.round(r.severity),
    level: severityLevel(r.severity),
    type: r.anomaly_type ?? 'other',
    detectors: r.detectors,
    score: roundScore(r.score) ?? 0,
    reason: reasonOf(r.explanation),
    contributions: (e.contributions ?? [])
      .slice(0, 5)
      .map((c) => ({ feature: c.feature, value: round4(c.value) ?? 0, expected: round4(c.expected) ?? 0, z: round4(c.z) ?? 0 })),
    findings: (e.findings ?? []).slice(0, 5).map((f) => ({ text: f.text, templates: (f.templates ?? f.events ?? []).filter((t): t is string => !!t) })),
    samples: (e.sample_lines ?? []).slice(0, 5),
    incident: -1,
  };
}

/** What deviated in an anomaly: its top features (windows) or the templates its findings name (sessions). */
function deviatingOf(a: ExplorerAnomaly): string[] {
  return a.kind === 'session' ? a.findings.flatMap((f) => f.templates) : a.contributions.slice(0, 3).map((c) => c.feature);
}

function mostFrequent(items: readonly string[], top: number): string[] {
  const n = new Map<string, number>();
  for (const i of items) n.set(i, (n.get(i) ?? 0) + 1);
  return [...n]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, top)
    .map(([k]) => k);
}

/** The alert of an incident: same service and type, overlapping in time (the alert may span several days). */
function alertOf(i: { service: string; type: string; start: number; end: number }, alerts: readonly AlertRow[]) {
  const a = alerts.find((x) => x.service === i.service && x.anomaly_type === i.type && Date.parse(x.first_seen) <= i.end && Date.parse(x.last_seen) >= i.start);
  return a ? { id: a.id, status: a.status } : null;
}

/** Anomalies → incidents exactly as the alert step groups them, each anomaly tagged with its incident. */
export function incidentsOf(anomalies: ExplorerAnomaly[], alerts: readonly AlertRow[], gapMs: number): ExplorerIncident[] {
  const grouped = groupIncidents(
    anomalies.map((a) => ({ ...a, anomaly_type: a.type, window_start: a.start, window_end: a.end, entity_kind: a.kind, entity_key: a.key })),
    gapMs,
  );
  const incidents: ExplorerIncident[] = grouped.map((g, id) => ({
    id,
    service: g.service,
    type: g.anomalyType,
    start: g.firstSeen,
    end: g.lastSeen,
    severity: g.severity,
    level: severityLevel(g.severity),
    anomalies: g.anomalyCount,
    summary: g.summary,
    reasons: g.reasons,
    detectors: [],
    deviating: [],
    templates: [],
    samples: [],
    alert: null,
  }));
  for (const a of anomalies) a.incident = incidents.findIndex((i) => i.service === a.service && i.type === a.type && a.start >= i.start && a.start <= i.end);
  for (const i of incidents) {
    const members = anomalies.filter((a) => a.incident === i.id).sort((x, y) => y.severity - x.severity || x.start - y.start);
    i.detectors = [...new Set(members.flatMap((a) => a.detectors))].sort();
    i.deviating = mostFrequent(members.flatMap(deviatingOf), 5);
    const samples = members.flatMap((a) => a.samples);
    i.templates = [
      ...new Set([
        ...i.deviating.filter((d) => d.startsWith('template:')).map((d) => d.slice('template:'.length)),
        ...members.flatMap((a) => a.findings.flatMap((f) => f.templates)),
      ]),
    ]
      .slice(0, 5)
      .map((template) => ({ template, example: samples.find((l) => l.template_id === template)?.message ?? null }));
    i.samples = members.flatMap((a) => a.samples).slice(0, 5);
    i.alert = alertOf(i, alerts);
  }
  return incidents;
}

function monitoringOf(metrics: readonly MetricPoint[], thresholds: Readonly<Record<string, number>>): ExplorerData['monitoring'] {
  const names = [...new Set(metrics.map((m) => m.metric))].sort();
  return names.map((metric) => ({
    metric,
    threshold: thresholds[metric] ?? null,
    points: metrics.filter((m) => m.metric === metric).map((m): [string, number] => [m.date, round4(m.value) ?? 0]),
  }));
}

export function shapeExplorer(input: ExplorerInput): ExplorerData {
  const start = Date.parse(`${input.from}T00:00:00Z`);
  const end = Date.parse(`${input.to}T00:00:00Z`) + 86_400_000;
  const bucketMs = swimlaneBucket(end - start, input.windowMs);
  const resolutionMs = chartResolution(end - start, input.windowMs);
  const series = seriesOf(input.windows, input.band, { start, resolutionMs });
  const anomalies = [...input.anomalies]
    .sort((a, b) => a.window_start - b.window_start || a.service.localeCompare(b.service) || a.entity_key.localeCompare(b.entity_key))
    .map(toAnomaly);
  const services = [...new Set([...Object.keys(series), ...anomalies.map((a) => a.service)])].sort();
  const incidents = incidentsOf(anomalies, input.alerts, input.incidentGapMs);
  return {
    from: input.from,
    to: input.to,
    windowMs: input.windowMs,
    resolutionMs,
    model: input.model ?? null,
    scoreThreshold: roundScore(input.scoreThreshold),
    features: CHARTED_FEATURES.map((f) => ({ ...f })),
    services,
    series,
    anomalies,
    incidents,
    swimlane: { start, bucketMs, buckets: Math.max(1, Math.ceil((end - start) / bucketMs)) },
    monitoring: monitoringOf(input.metrics, input.metricThresholds),
  };
}
