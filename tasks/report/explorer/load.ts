/**
 * Reads what the explorer shows: Gold windows and their scores from the lake, the baseline of the
 * model that scored them, anomalies, alerts and monitoring metrics from PostgreSQL.
 */
import type pg from 'pg';
import type { AnomalyRow } from '../../../shared/db/anomalies';
import { recentAlerts } from '../../../shared/db/alerts';
import { listMetrics } from '../../../shared/db/metrics';
import { getModel } from '../../../shared/db/models';
import { expectedBand, robustBaseline } from '../../../shared/detectors/robustBaseline';
import { readManifest, readPartitionAll } from '../../../shared/lake';
import { loadModelJson } from '../../../shared/models/artifacts';
import type { ModelBundle } from '../../../shared/models/bundle';
import { goldWindows } from '../../../shared/schemas';
import type { ObjectStore } from '../../../shared/store/objectStore';
import { scoredPartitions } from '../scoredPartitions';
import { CHARTED_FEATURES, type BandOf, type WindowRecord } from './series';
import type { ExplorerInput } from './shape';

/**
 * The monitor step's default thresholds (tasks/monitor/decision.ts DEFAULT_THRESHOLDS; a test keeps
 * them equal), drawn as lines on the monitoring charts.
 */
export const MONITOR_THRESHOLD_LINES: Readonly<Record<string, number>> = { max_feature_psi: 0.25, unseen_template_share: 0.05 };

async function windowsOf(
  lake: ObjectStore,
  dates: readonly string[],
  anomalies: readonly AnomalyRow[],
): Promise<{ windows: WindowRecord[]; windowMs: number }> {
  const windows: WindowRecord[] = [];
  let windowMs = 60_000;
  const byKey = new Map<string, WindowRecord>();
  for (const date of dates) {
    if (!(await readManifest(lake, goldWindows, date))) continue;
    const g = await readPartitionAll(lake, goldWindows, date);
    const t = g.columns.window_start as Float64Array;
    const seconds = g.columns.window_seconds as Int32Array;
    const service = g.columns.service as string[];
    for (let i = 0; i < g.rows; i++) {
      windowMs = seconds[i] * 1000;
      const values: Record<string, number> = {};
      for (const { name } of CHARTED_FEATURES) values[name] = (g.columns[name] as Float64Array)[i];
      const w = { service: service[i], t: t[i], values };
      windows.push(w);
      byKey.set(`${w.service}|${w.t}`, w);
    }
  }
  // With the anomalies shown: a score that stopped between its commits is refused (shared/scoredAnomalies.ts).
  for await (const s of scoredPartitions(lake, dates, anomalies)) {
    for (let i = 0; i < s.rows; i++) {
      if (s.columns.entity_kind[i] !== 'window') continue;
      const w = byKey.get(`${s.columns.service[i]}|${(s.columns.window_start as Float64Array)[i]}`);
      if (w) w.score = (s.columns.score as Float64Array)[i];
    }
  }
  return { windows, windowMs };
}

/**
 * The model whose baseline the band shows: the one that scored the range's anomalies (the newest
 * when several did), else production. No band when that model has no robust_baseline.
 */
async function modelBaseline(
  pool: pg.Pool,
  lake: ObjectStore,
  name: string,
  anomalies: readonly AnomalyRow[],
): Promise<{ model?: string; band?: BandOf; scoreThreshold?: number }> {
  const scoredBy = anomalies.filter((a) => a.model_name === name).map((a) => a.model_version);
  const version = scoredBy.length ? Math.max(...scoredBy) : (await getModel(pool, name))?.version;
  if (version === undefined) return {};
  const bundle = await loadModelJson<ModelBundle>(lake, name, version);
  const entry = bundle.windows.detectors.find((d) => d.name === robustBaseline.name);
  const out = { model: `${name} v${version}`, scoreThreshold: bundle.windows.combinedThreshold };
  if (!entry) return out;
  const baseline = robustBaseline.fromArtifact(entry.artifact);
  const k = entry.calibration.threshold;
  return { ...out, band: (service, t, feature, count) => expectedBand(baseline, service, t, feature, k, count) };
}

export async function loadExplorerInput(
  pool: pg.Pool,
  lake: ObjectStore,
  opts: { from: string; to: string; dates: readonly string[]; modelName: string; incidentGapMs: number; anomalies: readonly AnomalyRow[] },
): Promise<ExplorerInput> {
  const { windows, windowMs } = await windowsOf(lake, opts.dates, opts.anomalies);
  const baseline = await modelBaseline(pool, lake, opts.modelName, opts.anomalies);
  const end = Date.parse(`${opts.to}T00:00:00Z`) + 86_400_000;
  const alerts = (await recentAlerts(pool, new Date(`${opts.from}T00:00:00Z`))).filter((a) => Date.parse(a.first_seen) < end);
  return {
    from: opts.from,
    to: opts.to,
    windowMs,
    windows,
    ...baseline,
    anomalies: opts.anomalies,
    alerts,
    incidentGapMs: opts.incidentGapMs,
    metrics: await listMetrics(pool, opts.from, opts.to),
    metricThresholds: MONITOR_THRESHOLD_LINES,
  };
}
