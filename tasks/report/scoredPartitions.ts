import type { ObjectStore } from '../../shared/store/objectStore';
import { readCommittedAll, readManifest } from '../../shared/lake';
import type { Batch } from '../../shared/parquet';
import { scoredWindows } from '../../shared/schemas';
import type { AnomalyRow } from '../../shared/db/anomalies';
import { checkScoredAnomalies } from '../../shared/scoredAnomalies';

/**
 * The scored windows and sessions of each date of a range that has been scored; unscored dates are
 * skipped. Each must go with the anomalies the report shows (`anomalies`, read from the database):
 * a score that stopped between its two commits is refused (shared/scoredAnomalies.ts).
 */
export async function* scoredPartitions(lake: ObjectStore, dates: readonly string[], anomalies: readonly AnomalyRow[]): AsyncGenerator<Batch> {
  for (const date of dates) {
    const manifest = await readManifest(lake, scoredWindows, date);
    if (!manifest) continue;
    checkScoredAnomalies(manifest, anomalies);
    yield readCommittedAll(lake, scoredWindows, manifest);
  }
}
