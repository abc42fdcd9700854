import type pg from 'pg';

/** The model_metrics table: one row per (date, model, metric), written by `monitor`, read by `report`. */
export interface MetricPoint {
  date: string;
  metric: string;
  value: number;
}

/** A metric of one monitored date: its value (null when unknown, e.g. F1 without labels) and details. */
export type MetricEntry = readonly [metric: string, value: number | null, details: object];

/** Upserts a date's metrics for a model version: a rerun replaces them. */
export async function upsertModelMetrics(
  client: pg.ClientBase,
  date: string,
  modelName: string,
  modelVersion: number,
  metrics: readonly MetricEntry[],
): Promise<void> {
  for (const [metric, value, details] of metrics) {
    await client.query(
      `INSERT INTO model_metrics (date, model_name, model_version, metric, value, details) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (date, model_name, metric) DO UPDATE SET model_version = EXCLUDED.model_version, value = EXCLUDED.value, details = EXCLUDED.details, computed_at = now()`,
      [date, modelName, modelVersion, metric, value, JSON.stringify(details)],
    );
  }
}

/** Known metric values of a date range, by date then metric. */
export async function listMetrics(db: pg.Pool | pg.ClientBase, from: string, to: string): Promise<MetricPoint[]> {
  const res = await db.query(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, metric, value FROM model_metrics WHERE date BETWEEN $1 AND $2 AND value IS NOT NULL ORDER BY date, metric`,
    [from, to],
  );
  return res.rows.map((r) => ({ date: r.date, metric: r.metric, value: Number(r.value) }));
}
