import { getJson, putJson, type ObjectStore } from '../../shared/store/objectStore';
import type { ServiceProgress } from '../../shared/features/streamWindows';
import type { SessionProgress } from '../../shared/features/streamSessions';

/** A partition's snapshot: per service its windows' progress, per session key its last written session (end and last offset). */
export interface PartitionProgress {
  windows: Record<string, ServiceProgress>;
  sessions: SessionProgress;
}

/**
 * Window progress per partition, `state/stream/<group>/<topic>/p<P>.json`, written before each
 * offset commit: after a crash or a rebalance, the next owner of the partition resumes its services'
 * windows where the written ones end, with their rolling history.
 */
export class ProgressStore {
  private readonly loaded = new Set<number>();

  constructor(
    private readonly lake: ObjectStore,
    private readonly group: string,
    private readonly topic: string,
  ) {}

  private key(partition: number): string {
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
    return `state/stream/${safe(this.group)}/${safe(this.topic)}/p${partition}.json`;
  }

  /** The snapshots of partitions not loaded yet in this process (each once). */
  async loadNew(partitions: Iterable<number>): Promise<{ partition: number; progress: PartitionProgress }[]> {
    const fresh = [...new Set(partitions)].filter((p) => !this.loaded.has(p));
    const out = await Promise.all(
      fresh.map(async (partition) => {
        const json = await getJson<PartitionProgress | Record<string, ServiceProgress>>(this.lake, this.key(partition));
        if (!json) return undefined;
        // Snapshots written before sessions were kept hold the windows' progress alone.
        const progress =
          'windows' in json && 'sessions' in json ? (json as PartitionProgress) : { windows: json as Record<string, ServiceProgress>, sessions: {} };
        return { partition, progress };
      }),
    );
    for (const p of fresh) this.loaded.add(p);
    return out.filter((x) => x !== undefined);
  }

  async save(partition: number, progress: PartitionProgress): Promise<void> {
    await putJson(this.lake, this.key(partition), progress);
  }
}
