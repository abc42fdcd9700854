import { createHash } from 'node:crypto';
import type { ObjectStore } from './store/objectStore';
import { checkCompanion, readManifest, sha256 } from './lake';
import { GOLD_COMPANIONS, goldSessions, goldWindows, goldWindowTemplates } from './schemas';

/**
 * What a model was trained on, by content: per date, each Gold table's part checksums and row counts
 * (a rerun of `features` writes the same bytes under a new run id, so it keeps the fingerprint), plus
 * the training params. `train` returns the registered version with the same fingerprint instead of
 * registering another one.
 */
const TRAINING_TABLES = [goldWindows, goldWindowTemplates, goldSessions];

export async function trainingFingerprint(lake: ObjectStore, dates: readonly string[], params: Record<string, unknown>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(canonicalJson(params) + '\n');
  for (const date of dates) {
    const windows = await readManifest(lake, goldWindows, date);
    for (const spec of TRAINING_TABLES) {
      const manifest = spec === goldWindows ? windows : await readManifest(lake, spec, date);
      // A Gold set a crash left half replaced is refused here, before anything is trained on it.
      if (windows && spec !== goldWindows)
        checkCompanion(windows, spec === goldSessions ? GOLD_COMPANIONS.sessions : GOLD_COMPANIONS.windowTemplates, manifest?.runId, 'features');
      hash.update(`${spec.path}/date=${date}:`);
      // Manifests committed before parts carried a checksum: hash the part itself.
      for (const f of manifest?.files ?? []) hash.update(`${f.rows}:${f.sha256 ?? sha256(await lake.get(f.key))};`);
      hash.update(manifest ? '\n' : 'none\n');
    }
  }
  return hash.digest('hex').slice(0, 32);
}

/** JSON with keys sorted at every level and undefined members left out, so equal params hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
