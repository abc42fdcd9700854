import type { ObjectStore } from '../../shared/store/objectStore';
import { readManifest, readPartitionAll } from '../../shared/lake';
import type { Batch } from '../../shared/parquet';
import { scoredWindows } from '../../shared/schemas';

/** The scored windows and sessions of each date of a range that has been scored; unscored dates are skipped. */
export async function* scoredPartitions(lake: ObjectStore, dates: readonly string[]): AsyncGenerator<Batch> {
  for (const date of dates) {
    if (await readManifest(lake, scoredWindows, date)) yield readPartitionAll(lake, scoredWindows, date);
  }
}
