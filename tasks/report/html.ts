import type { ReportSummary } from './summary';

/**
 * A self-contained HTML report: inline SVG charts and CSS, no scripts or network, so it opens
 * from a file, an artifact store or an email attachment.
 */
export interface TimelinePoint {
  t: number;
  count: number;
  errorRate: number;
}
export interface MetricPoint {
  date: string;
  metric: string;
  value: number;
}
export interface OpenAlert {
  id: number;
  service: string;
  anomaly_type: string;
  severity: number;
  status: string;
  first_seen: string;
  last_seen: string;
  summary: string;
}
export interface HtmlReportData {
  summary: ReportSummary;
  timeline: TimelinePoint[];
  anomalyTimes: number[];
  scores: number[];
  threshold?: number;
  metrics: MetricPoint[];
  alerts: OpenAlert[];
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const W = 900;
const H = 220;
const PAD = 40;

function scale(min: number, max: number, from: number, to: number) {
  const span = max - min || 1;
  return (v: number) => from + ((v - min) / span) * (to - from);
}

function lineChart(points: { x: number; y: number }[], opts: { color: string; label: string; marks?: number[]; yFormat?: (v: number) => string }): string {
  if (points.length === 0) return '<p class="empty">no data</p>';
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const yMax = Math.max(...ys, 0) * 1.05 || 1;
  const sx = scale(x0, x1, PAD, W - 10);
  const sy = scale(0, yMax, H - 25, 10);
  const path = points
    .filter((p) => Number.isFinite(p.y))
    .map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join(' ');
  const marks = (opts.marks ?? []).map((m) => `<line x1="${sx(m).toFixed(1)}" x2="${sx(m).toFixed(1)}" y1="10" y2="${H - 25}" class="mark"/>`).join('');
  const fmt = opts.yFormat ?? ((v: number) => v.toFixed(0));
  const ticks = [0, 0.5, 1].map((f) => `<text x="${PAD - 4}" y="${sy(yMax * f) + 4}" text-anchor="end">${esc(fmt(yMax * f))}</text>`).join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => x0 + (x1 - x0) * f)
    .map((t) => `<text x="${sx(t)}" y="${H - 8}" text-anchor="middle">${esc(new Date(t).toISOString().slice(5, 16).replace('T', ' '))}</text>`)
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(opts.label)}">${marks}<polyline fill="none" stroke="${opts.color}" stroke-width="1.2" points="${path}"/>${ticks}${xTicks}</svg>`;
}

function histogram(values: number[], threshold: number | undefined, bins = 40): string {
  if (values.length === 0) return '<p class="empty">no scored windows</p>';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = (max - min) / bins || 1;
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  // Log scale: the anomalous tail is a few windows among thousands.
  const top = Math.log10(Math.max(...counts) + 1);
  const bw = (W - PAD - 10) / bins;
  const bars = counts
    .map((c, i) => {
      const h = (Math.log10(c + 1) / top) * (H - 40);
      const lo = min + i * width;
      const cls = threshold !== undefined && lo >= threshold ? 'bar hot' : 'bar';
      return `<rect class="${cls}" x="${(PAD + i * bw).toFixed(1)}" y="${(H - 25 - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}"><title>${lo.toFixed(3)}: ${c}</title></rect>`;
    })
    .join('');
  const labels = `<text x="${PAD}" y="${H - 8}">${min.toFixed(2)}</text><text x="${W - 10}" y="${H - 8}" text-anchor="end">${max.toFixed(2)}</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="score distribution">${bars}${labels}</svg>`;
}

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="empty">none</p>';
  return `<table><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

const pct = (v: number) => (v * 100).toFixed(1) + ' %';

export function renderHtml(d: HtmlReportData): string {
  const s = d.summary;
  const e = s.evaluation;
  const metricNames = [...new Set(d.metrics.map((m) => m.metric))].sort();
  const metricCharts = metricNames
    .map((name) => {
      const pts = d.metrics.filter((m) => m.metric === name).map((m) => ({ x: Date.parse(m.date), y: m.value }));
      return `<h3>${esc(name)}</h3>${lineChart(pts, { color: '#6a3d9a', label: name, yFormat: (v) => v.toFixed(2) })}`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>log-sentinel ${esc(s.from)}..${esc(s.to)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px;color:#222}svg{width:100%;height:auto;background:#fafafa;border:1px solid #ddd}
svg text{font-size:10px;fill:#555}.mark{stroke:#e31a1c;stroke-opacity:.35}.bar{fill:#1f78b4}.bar.hot{fill:#e31a1c}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}.empty{color:#888}
.kpi{display:inline-block;margin-right:2em;font-size:18px}</style></head><body>
<h1>log-sentinel report</h1><p>${esc(s.from)} .. ${esc(s.to)}</p>
<div><span class="kpi">${s.anomalies} anomalies</span>${e ? `<span class="kpi">precision ${pct(e.precision)}</span><span class="kpi">recall ${pct(e.recall)}</span><span class="kpi">F1 ${pct(e.f1)}</span>` : ''}</div>
<h2>Volume (all services) with anomalies marked</h2>${lineChart(
    d.timeline.map((p) => ({ x: p.t, y: p.count })),
    { color: '#1f78b4', label: 'log volume', marks: d.anomalyTimes },
  )}
<h2>Error rate</h2>${lineChart(
    d.timeline.map((p) => ({ x: p.t, y: p.errorRate })),
    { color: '#ff7f00', label: 'error rate', marks: d.anomalyTimes, yFormat: (v) => pct(v) },
  )}
<h2>Score distribution</h2><p>Combined calibrated score of every window (log scale); red bars are over the threshold.</p>${histogram(d.scores, d.threshold)}
<h2>Top anomalies</h2>${table(
    ['start', 'service', 'severity', 'type', 'detectors', 'reason'],
    s.top.map((t) => [t.start, t.service, t.severity, t.type ?? '', t.detectors.join(', '), t.reason]),
  )}
${
  e
    ? `<h2>Against labels</h2>${table(
        ['type', 'precision', 'recall', 'F1', 'found'],
        Object.entries(e.byType).map(([k, m]) => [k, pct(m.precision), pct(m.recall), pct(m.f1), `${m.found}/${m.incidents}`]),
      )}`
    : ''
}
<h2>Open alerts</h2>${table(
    ['id', 'service', 'type', 'severity', 'status', 'first seen', 'last seen', 'summary'],
    d.alerts.map((a) => [a.id, a.service, a.anomaly_type, a.severity, a.status, a.first_seen, a.last_seen, a.summary]),
  )}
<h2>Monitoring</h2>${metricCharts || '<p class="empty">no monitoring metrics yet (run <code>sentinel monitor</code>)</p>'}
</body></html>\n`;
}
