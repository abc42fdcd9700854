import type pg from 'pg';

/**
 * The anomalies table: written by `score` (replaced per date) and `stream` (upserted as windows seal
 * and new templates appear), read by `report`, `alert`, `monitor`.
 */
export interface AnomalyRow {
  date: string;
  /** template: one record's never-seen template (`stream`), keyed by service and template. */
  entity_kind: 'window' | 'session' | 'template';
  entity_key: string;
  service: string;
  window_start: number;
  window_end: number;
  score: number;
  severity: number;
  detectors: string[];
  anomaly_type: string | null;
  explanation: unknown;
  model_name: string;
  model_version: number;
  /** Who wrote the row; batch when absent. */
  source?: 'batch' | 'stream';
}

/**
 * Replaces a date's anomalies for the given entity kinds in one transaction: a rerun gives exactly
 * the new verdicts (no duplicates, no stale rows). The upsert key guards against concurrent runs.
 */
export async function replaceAnomalies(client: pg.ClientBase, date: string, kinds: readonly string[], input: readonly AnomalyRow[]): Promise<void> {
  await client.query('DELETE FROM anomalies WHERE date = $1 AND entity_kind = ANY($2)', [date, kinds]);
  await upsertAnomalies(client, input);
}

/**
 * Inserts the rows, or updates those whose (date, entity_kind, entity_key) exists: `stream` writes a
 * re-delivered window or template again onto the same row, never a second one.
 */
export async function upsertAnomalies(client: pg.ClientBase, input: readonly AnomalyRow[]): Promise<void> {
  const rows = lastPerKey(input);
  const chunk = 500;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values: unknown[] = [];
    const tuples = part.map((r, j) => {
      const b = j * 14;
      values.push(
        r.date,
        r.entity_kind,
        r.entity_key,
        r.service,
        new Date(r.window_start),
        new Date(r.window_end),
        r.score,
        Math.round(r.severity),
        r.detectors,
        r.anomaly_type,
        JSON.stringify(r.explanation),
        r.model_name,
        r.model_version,
        r.source ?? 'batch',
      );
      return `(${Array.from({ length: 14 }, (_, k) => `$${b + k + 1}`).join(',')})`;
    });
    await client.query(
      `INSERT INTO anomalies (date, entity_kind, entity_key, service, window_start, window_end, score, severity, detectors, anomaly_type, explanation, model_name, model_version, source)
       VALUES ${tuples.join(',')}
       ON CONFLICT (date, entity_kind, entity_key) DO UPDATE SET
         service = EXCLUDED.service, window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, score = EXCLUDED.score,
         severity = EXCLUDED.severity, detectors = EXCLUDED.detectors, anomaly_type = EXCLUDED.anomaly_type,
         explanation = EXCLUDED.explanation, model_name = EXCLUDED.model_name, model_version = EXCLUDED.model_version,
         source = EXCLUDED.source`,
      values,
    );
  }
}

/**
 * One row per upsert key (the last given wins): PostgreSQL rejects an ON CONFLICT DO UPDATE batch
 * that names one key twice ("cannot affect row a second time").
 */
function lastPerKey(rows: readonly AnomalyRow[]): AnomalyRow[] {
  const byKey = new Map<string, AnomalyRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.date, r.entity_kind, r.entity_key]);
    byKey.delete(key); // re-inserted last, so the output keeps the order of last occurrences
    byKey.set(key, r);
  }
  return [...byKey.values()];
}

export async function listAnomalies(pool: pg.Pool | pg.ClientBase, from: string, to: string): Promise<AnomalyRow[]> {
  const res = await pool.query(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, entity_kind, entity_key, service, window_start, window_end, score, severity,
            detectors, anomaly_type, explanation, model_name, model_version, source
       FROM anomalies WHERE date BETWEEN $1 AND $2 ORDER BY window_start, service, entity_key`,
    [from, to],
  );
  return res.rows.map((r) => ({ ...r, window_start: new Date(r.window_start).getTime(), window_end: new Date(r.window_end).getTime() }));
}
