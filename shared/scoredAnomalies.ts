import { createHash } from 'node:crypto';
import type { AnomalyRow } from './db/anomalies';
import type { PartitionManifest } from './lake';
import { InconsistentCommitError } from './errors';

/**
 * `score` has two outputs per date: scored/windows in the lake (every window and session with its
 * verdict) and the date's anomalies in the database. It commits the lake first, naming the anomaly
 * set it is about to write (`extra.anomalies`), then replaces the rows in one transaction. A crash
 * between the two leaves a lake that names a set the database does not hold: readers of both
 * (monitor, report) check with `checkScoredAnomalies` and refuse until score is rerun.
 */
export interface AnomalySet {
  rows: number;
  /** sha256 of the sorted distinct `kind, key, model, version` of the rows. */
  digest: string;
}

type Keyed = Pick<AnomalyRow, 'entity_kind' | 'entity_key' | 'model_name' | 'model_version'>;

/** The set score writes for a date (duplicate keys count once, as the table keeps one row per key). */
export function anomalySet(rows: readonly Keyed[]): AnomalySet {
  const keys = [...new Set(rows.map((r) => `${r.entity_kind}\t${r.entity_key}\t${r.model_name}\t${r.model_version}`))].sort();
  return { rows: keys.length, digest: createHash('sha256').update(keys.join('\n')).digest('hex') };
}

/**
 * Refuses a date whose scored/windows manifest names another anomaly set than the database holds
 * for it (window and session rows). Manifests written before the set was named pass.
 */
export function checkScoredAnomalies(scored: PartitionManifest, rows: readonly (Keyed & { date: string })[]): void {
  const named = (scored.extra as { anomalies?: AnomalySet } | undefined)?.anomalies;
  if (!named) return;
  const held = anomalySet(rows.filter((r) => r.date === scored.date && (r.entity_kind === 'window' || r.entity_kind === 'session')));
  if (held.digest === named.digest) return;
  throw new InconsistentCommitError(
    `scored/windows for ${scored.date} (run ${scored.runId}) goes with ${named.rows} anomalies, but the database holds another set of ${held.rows}: ` +
      `a run of score stopped between its commits. Rerun score for ${scored.date} (\`sentinel score --date ${scored.date}\`).`,
  );
}
