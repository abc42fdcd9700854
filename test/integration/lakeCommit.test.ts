import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLake } from '../support/services';
import { openStore } from '../../shared/store/openStore';
import type { ObjectStore } from '../../shared/store/objectStore';
import { PartitionWriter, readManifest, readPartitionAll, vacuumPartition } from '../../shared/lake';
import { quarantine } from '../../shared/schemas';
import { EXIT, exitCodeOf } from '../../shared/errors';
import type { Batch } from '../../shared/parquet';
import { bronzeLogs } from '../../shared/schemas';
import { createLogger } from '../../shared/logger';
import { run as ingest } from '../../tasks/ingest/command';

/**
 * Issue 14 item 2: two runs of one step on one partition. The manifest commit is a compare-and-swap,
 * so the run that commits second fails instead of listing files the first one deleted; no commit
 * deletes parts; vacuum removes only unreferenced parts past the grace period. On MinIO (S3
 * conditional writes) and on a local directory (exclusive-create lock).
 */
const DATE = '2026-01-05';
const rows = (n: number, reason: string): Batch => ({
  rows: n,
  columns: {
    source_file: Array.from({ length: n }, () => 'f'),
    source_line: Int32Array.from({ length: n }, (_, i) => i + 1),
    raw: Array.from({ length: n }, () => 'x'),
    reason: Array.from({ length: n }, () => reason),
  },
});

let localDir: string;
let s3Lake: string;
const stores: Record<string, () => ObjectStore> = {};
beforeAll(async () => {
  localDir = await mkdtemp(join(tmpdir(), 'sentinel-lake-commit-'));
  const s3 = await createTestLake();
  s3Lake = s3;
  stores.minio = () => openStore(s3);
  stores.local = () => openStore(localDir);
});
afterAll(async () => {
  await rm(localDir, { recursive: true, force: true });
});

describe.each(['local', 'minio'])('partition commit on %s', (kind) => {
  it('lets only one of two overlapping runs commit, and the winner’s files all exist', async () => {
    const store = stores[kind]();
    const first = new PartitionWriter(store, quarantine, DATE, `a-${kind}`);
    const second = new PartitionWriter(store, quarantine, DATE, `b-${kind}`);
    await first.write(rows(3, 'a'));
    await second.write(rows(2, 'b'));
    await first.commit();
    const lost = await second.commit().catch((err: unknown) => err);
    expect(lost).toBeInstanceOf(Error);
    expect(exitCodeOf(lost)).toBe(EXIT.externalService);
    expect((lost as Error).message).toMatch(/committed by run a-.* while this run \(b-.*\)/);

    const manifest = await readManifest(store, quarantine, DATE);
    expect(manifest?.runId).toBe(`a-${kind}`);
    expect((await readPartitionAll(store, quarantine, DATE)).columns.reason).toEqual(['a', 'a', 'a']);
  });

  it('lets exactly one of eight simultaneous commits win', async () => {
    const store = stores[kind]();
    const date = '2026-01-07';
    const writers = Array.from({ length: 8 }, (_, i) => new PartitionWriter(store, quarantine, date, `w${i}-${kind}`));
    for (const w of writers) await w.write(rows(1, 'x'));
    const results = await Promise.allSettled(writers.map((w) => w.commit()));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const manifest = await readManifest(store, quarantine, date);
    expect(manifest?.runId).toBe((won[0] as PromiseFulfilledResult<{ runId: string }>).value.runId);
    for (const f of manifest!.files) expect(await store.getOptional(f.key)).toBeDefined();
  });

  it('does not delete the files of a replaced manifest; vacuum removes them after the grace period', async () => {
    const store = stores[kind]();
    const date = '2026-01-06';
    const old = new PartitionWriter(store, quarantine, date, `old-${kind}`);
    await old.write(rows(1, 'old'));
    const oldManifest = await old.commit();
    const rerun = new PartitionWriter(store, quarantine, date, `new-${kind}`);
    await rerun.write(rows(1, 'new'));
    await rerun.commit();
    // A reader holding the old manifest can still read its files.
    for (const f of oldManifest.files) expect(await store.getOptional(f.key)).toBeDefined();

    const prefix = `bronze/quarantine/date=${date}/`;
    await store.put(`${prefix}part-inflight-00000.parquet`, new Uint8Array([1]));
    // Within the grace period nothing goes.
    expect(await vacuumPartition(store, quarantine, date, { graceMs: 3_600_000 })).toEqual([]);
    // Past it, only parts no current manifest references go, and so would a crashed run's debris.
    const later = new Date(Date.now() + 2 * 3_600_000);
    const removed = await vacuumPartition(store, quarantine, date, { graceMs: 3_600_000, now: later });
    expect(removed.sort()).toEqual([...oldManifest.files.map((f) => f.key), `${prefix}part-inflight-00000.parquet`].sort());
    expect((await readPartitionAll(store, quarantine, date)).columns.reason).toEqual(['new']);
  });
});

describe('two ingests of one date at once (MinIO)', () => {
  it('commits one of them; the other exits 3 and Bronze stays readable', async () => {
    const date = '2026-01-08';
    const store = openStore(s3Lake);
    const lines = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ ts: `${date}T10:00:00Z`, service: 'api', level: 'INFO', message: `m ${i}` }));
    await store.put(`landing/date=${date}/app.jsonl`, Buffer.from(lines.join('\n') + '\n'));
    const step = { log: createLogger('silent'), env: { ...process.env, SENTINEL_LAKE: s3Lake, SENTINEL_ROWS_PER_PART: '300' } };
    const results = await Promise.allSettled([ingest({ date, lake: s3Lake }, step), ingest({ date, lake: s3Lake }, step)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(exitCodeOf(lost.reason)).toBe(EXIT.externalService);
    expect((await readPartitionAll(store, bronzeLogs, date)).rows).toBe(2_000);
  });
});
