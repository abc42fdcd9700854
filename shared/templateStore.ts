import type { ObjectStore } from './store/objectStore';
import { getJson, putJson } from './store/objectStore';
import { sha256 } from './lake';
import { crashPoint } from './faultInjection';

/**
 * The persisted template store: the miner's state (so template ids stay stable across days) and
 * when each template was first seen (for the `new_templates` feature and drift).
 *
 * One snapshot per date, `state/templates/date=D/`, written after parsing D. Parsing D starts from
 * the latest snapshot before D, so a rerun of D sees exactly the state its first run saw and gives
 * identical Silver, while the next day continues from D. Parses of different dates that share a
 * lake run one at a time (the daily DAG limits the parse task to one instance).
 */
const PREFIX = 'state/templates/';
const snapshotKey = (date: string, file: 'miner.json' | 'first_seen.json' | 'snapshot.json') => `${PREFIX}date=${date}/${file}`;

/** Written after both snapshot files: which parse run wrote them, and their digests. */
interface SnapshotMarker {
  runId: string;
  miner: string;
  firstSeen: string;
}

const jsonBytes = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');

/** The latest snapshot date before `date` (or up to and including it), if any. */
async function snapshotDate(lake: ObjectStore, date: string, inclusive: boolean): Promise<string | undefined> {
  const dates = new Set<string>();
  for (const key of await lake.list(PREFIX)) {
    const m = /date=(\d{4}-\d{2}-\d{2})\/first_seen\.json$/.exec(key);
    if (m && (inclusive ? m[1] <= date : m[1] < date)) dates.add(m[1]);
  }
  return [...dates].sort().pop();
}

/** The date of the snapshot parsing `date` starts from (the latest before it), if any. */
export function previousSnapshotDate(lake: ObjectStore, date: string): Promise<string | undefined> {
  return snapshotDate(lake, date, false);
}

/** The miner state to parse `date` with: the snapshot saved after the previous parsed date. */
export async function loadMinerState<T>(lake: ObjectStore, date: string): Promise<T | undefined> {
  const from = await snapshotDate(lake, date, false);
  return from ? getJson<T>(lake, snapshotKey(from, 'miner.json')) : undefined;
}

/**
 * Template ids merged into others, as known after parsing `date` (inclusive: features run after
 * parse): merged-away id → surviving id. Silver rows written before a merge carry the old id, so
 * readers map ids through this to count one event under one id.
 */
export async function loadTemplateAliases(lake: ObjectStore, date: string): Promise<Map<string, string>> {
  const from = await snapshotDate(lake, date, true);
  const state = from ? await getJson<{ drain?: { aliases?: Record<string, string> } }>(lake, snapshotKey(from, 'miner.json')) : undefined;
  return new Map(Object.entries(state?.drain?.aliases ?? {}));
}

/**
 * First-seen times known before `date` (parse) or including it (features, after parse ran for it).
 */
export async function loadFirstSeen(lake: ObjectStore, date: string, inclusive: boolean): Promise<Map<string, number>> {
  const from = await snapshotDate(lake, date, inclusive);
  const obj = from ? ((await getJson<Record<string, number>>(lake, snapshotKey(from, 'first_seen.json'))) ?? {}) : {};
  return new Map(Object.entries(obj));
}

/**
 * Saves the state after parsing `date` by run `runId`: miner.json, first_seen.json, then snapshot.json
 * naming the run and both files' digests. Parse commits Silver after this, naming the run, so
 * features can tell a snapshot that belongs to the Silver it reads (`snapshotRunId`).
 */
export async function saveSnapshot(lake: ObjectStore, date: string, minerState: unknown, firstSeen: ReadonlyMap<string, number>, runId: string): Promise<void> {
  const miner = jsonBytes(minerState);
  await lake.put(snapshotKey(date, 'miner.json'), miner);
  crashPoint('templates:after-miner');
  const sorted = jsonBytes(Object.fromEntries([...firstSeen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  await lake.put(snapshotKey(date, 'first_seen.json'), sorted);
  await putJson(lake, snapshotKey(date, 'snapshot.json'), { runId, miner: sha256(miner), firstSeen: sha256(sorted) } satisfies SnapshotMarker);
  crashPoint('templates:after-marker');
}

/**
 * The parse run whose snapshot of `date` the lake holds whole: the marker's run, when both files
 * still have the digests it recorded; undefined when the snapshot is missing or was partly
 * overwritten by a run that stopped before its marker.
 */
export async function snapshotRunId(lake: ObjectStore, date: string): Promise<string | undefined> {
  const marker = await getJson<SnapshotMarker>(lake, snapshotKey(date, 'snapshot.json'));
  if (!marker) return undefined;
  const [miner, firstSeen] = await Promise.all([lake.getOptional(snapshotKey(date, 'miner.json')), lake.getOptional(snapshotKey(date, 'first_seen.json'))]);
  return miner && firstSeen && sha256(miner) === marker.miner && sha256(firstSeen) === marker.firstSeen ? marker.runId : undefined;
}

/** Keeps the earliest timestamp per template, so reruns and backfills never move it later. */
export function recordFirstSeen(firstSeen: Map<string, number>, templateId: string, ts: number): void {
  const prev = firstSeen.get(templateId);
  if (prev === undefined || ts < prev) firstSeen.set(templateId, ts);
}
