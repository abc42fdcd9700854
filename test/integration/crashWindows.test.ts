import { beforeAll, describe, expect, it } from 'vitest';
import { createTestLake } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openStore } from '../../shared/store/openStore';
import type { ObjectStore } from '../../shared/store/objectStore';
import { readManifest, readPartitionAll } from '../../shared/lake';
import { bronzeLogs, goldWindows, quarantine, silverLogs } from '../../shared/schemas';
import { EXIT, exitCodeOf } from '../../shared/errors';
import { run as ingest } from '../../tasks/ingest/command';
import { run as parse } from '../../tasks/parse/command';
import { run as features } from '../../tasks/features/command';

/**
 * Issue 14, items 3 and 4, on MinIO: a step that stops between the commits of its outputs leaves a
 * set its reader refuses (exit 3, "Rerun <step> for D"), and a rerun makes the set whole again.
 * The crash is a write that fails, injected through `wrapLake`.
 */
const DATE = '2026-03-05';
const log = createLogger('silent');
let lake: string;
let store: ObjectStore;
const line = (i: number, date = DATE) =>
  JSON.stringify({
    ts: `${date}T10:${String(i % 60).padStart(2, '0')}:00Z`,
    service: 'api',
    level: 'INFO',
    message: `${['GET', 'PUT', 'DELETE'][i % 3]} /items/${i} took ${i} ms`,
  });
const landing = async (good: number, bad: number, date = DATE) => {
  const lines = [...Array.from({ length: good }, (_, i) => line(i, date)), ...Array.from({ length: bad }, (_, i) => `garbage ${i}`)];
  await store.put(`landing/date=${date}/app.jsonl`, Buffer.from(lines.join('\n') + '\n'));
};

/** A lake whose writes to a key ending in `suffix` fail, as if the process died just before them. */
const crashBefore =
  (suffix: string) =>
  (inner: ObjectStore): ObjectStore => {
    const die = (key: string) => {
      if (key.endsWith(suffix)) throw new Error(`injected crash before writing ${key}`);
    };
    return {
      uri: inner.uri,
      get: (k) => inner.get(k),
      getOptional: (k) => inner.getOptional(k),
      list: (p) => inner.list(p),
      delete: (k) => inner.delete(k),
      listModified: (p) => inner.listModified(p),
      getVersioned: (k) => inner.getVersioned(k),
      put: async (k, b) => {
        die(k);
        return inner.put(k, b);
      },
      putIfVersion: async (k, b, v) => {
        die(k);
        return inner.putIfVersion(k, b, v);
      },
    };
  };
const step = (wrapLake?: (s: ObjectStore) => ObjectStore) => ({ log, env: { ...process.env, SENTINEL_LAKE: lake }, wrapLake });
const newTemplates = async () => {
  const w = await readPartitionAll(store, goldWindows, DATE);
  return (w.columns.new_templates as Float64Array).reduce((s, v) => s + v, 0);
};

beforeAll(async () => {
  lake = await createTestLake();
  store = openStore(lake);
});

describe('crash windows between the commits of one step', () => {
  it("parse refuses a Bronze whose quarantine is another ingest run's, and a rerun of ingest heals it", async () => {
    await landing(100, 1);
    const first = await ingest({ date: DATE, lake }, step());
    await landing(90, 3);
    await expect(ingest({ date: DATE, lake }, step(crashBefore(`bronze/logs/date=${DATE}/_SUCCESS`)))).rejects.toThrow(/injected crash/);
    // The quarantine of the crashed run is committed; Bronze is still the first run's.
    expect((await readManifest(store, bronzeLogs, DATE))?.runId).toBe(first.runId);
    expect((await readManifest(store, quarantine, DATE))?.rows).toBe(3);

    const err = await parse({ date: DATE, lake }, step()).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(new RegExp(`stopped between its commits\\. Rerun ingest for ${DATE}`));

    const rerun = await ingest({ date: DATE, lake }, step());
    expect(rerun).toMatchObject({ written: 90, quarantined: 3 });
    expect(await readManifest(store, bronzeLogs, DATE)).toMatchObject({ runId: rerun.runId, companions: { quarantine: rerun.runId } });
    expect((await parse({ date: DATE, lake }, step())).rows).toBe(90);
  });

  it("features refuses a Silver whose template snapshot is another parse run's or half written, and a rerun of parse heals it", async () => {
    const clean = await parse({ date: DATE, lake }, step());
    await features({ date: DATE, lake }, step());
    const expected = await newTemplates();
    expect(expected).toBeGreaterThan(0);

    // Stopped after the snapshot, before Silver's commit.
    await expect(parse({ date: DATE, lake }, step(crashBefore(`silver/logs/date=${DATE}/_SUCCESS`)))).rejects.toThrow(/injected crash/);
    expect((await readManifest(store, silverLogs, DATE))?.runId).toBe(clean.runId);
    let err = await features({ date: DATE, lake }, step()).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(new RegExp(`Rerun parse for ${DATE}`));

    await parse({ date: DATE, lake }, step());
    // New input, then a parse stopped in the middle of the snapshot: miner.json is the new run's,
    // first_seen.json and the marker the old one's.
    await landing(95, 2);
    await ingest({ date: DATE, lake }, step());
    await expect(parse({ date: DATE, lake }, step(crashBefore(`state/templates/date=${DATE}/first_seen.json`)))).rejects.toThrow(/injected crash/);
    err = await features({ date: DATE, lake }, step()).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the lake holds none: a run of parse stopped between its commits/);

    await parse({ date: DATE, lake }, step());
    await features({ date: DATE, lake }, step());
    expect(await newTemplates()).toBe(expected);
  });
  it('parse of the next day refuses to continue from a snapshot whose Silver was never committed, and a rerun of parse heals it', async () => {
    const NEXT = '2026-03-06';
    await landing(80, 0, NEXT);
    await ingest({ date: NEXT, lake }, step());
    // Stopped after D's snapshot, before D's Silver commit: D+1 would mine on from a state no Silver goes with.
    await expect(parse({ date: DATE, lake }, step(crashBefore(`silver/logs/date=${DATE}/_SUCCESS`)))).rejects.toThrow(/injected crash/);
    const err = await parse({ date: NEXT, lake }, step()).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(new RegExp(`stopped between its commits\\. Rerun parse for ${DATE}`));
    expect(await readManifest(store, silverLogs, NEXT)).toBeUndefined();

    await parse({ date: DATE, lake }, step());
    expect((await parse({ date: NEXT, lake }, step())).rows).toBe(80);
  });
});
