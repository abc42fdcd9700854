import type { ObjectStore } from '../../shared/store/objectStore';
import { getJson, putJson } from '../../shared/store/objectStore';

/**
 * The persisted template store: the miner's state (so template ids stay stable across days and
 * reruns) and when each template was first seen (for the `new_templates` feature and drift).
 * Parse steps that share a lake must run one at a time (the DAG uses a pool of one slot).
 */
export const MINER_STATE_KEY = 'state/templates/miner.json';
export const FIRST_SEEN_KEY = 'state/templates/first_seen.json';

export async function loadMinerState<T>(lake: ObjectStore): Promise<T | undefined> {
  return getJson<T>(lake, MINER_STATE_KEY);
}

export async function saveMinerState(lake: ObjectStore, state: unknown): Promise<void> {
  await putJson(lake, MINER_STATE_KEY, state);
}

export async function loadFirstSeen(lake: ObjectStore): Promise<Map<string, number>> {
  const obj = (await getJson<Record<string, number>>(lake, FIRST_SEEN_KEY)) ?? {};
  return new Map(Object.entries(obj));
}

export async function saveFirstSeen(lake: ObjectStore, firstSeen: ReadonlyMap<string, number>): Promise<void> {
  const sorted = Object.fromEntries([...firstSeen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await putJson(lake, FIRST_SEEN_KEY, sorted);
}

/** Keeps the earliest timestamp per template, so reruns and backfills never move it later. */
export function recordFirstSeen(firstSeen: Map<string, number>, templateId: string, ts: number): void {
  const prev = firstSeen.get(templateId);
  if (prev === undefined || ts < prev) firstSeen.set(templateId, ts);
}
