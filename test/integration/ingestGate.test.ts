import { beforeAll, describe, expect, it } from 'vitest';
import { createTestLake } from '../support/services';
import { createLogger } from '../../shared/logger';
import { openStore } from '../../shared/store/openStore';
import type { ObjectStore } from '../../shared/store/objectStore';
import { readManifest } from '../../shared/lake';
import { bronzeLogs, quarantine } from '../../shared/schemas';
import { EXIT, exitCodeOf } from '../../shared/errors';
import { run as ingest } from '../../tasks/ingest/command';

/**
 * Issue 14 item 5, on MinIO: a run that fails the quarantine gate (exit 4) commits nothing, so the
 * previous Bronze and quarantine commits stay current; its quarantine report is kept uncommitted
 * for inspection.
 */
const DATE = '2026-03-04';
const log = createLogger('silent');
let lake: string;
let store: ObjectStore;
const line = (i: number) => JSON.stringify({ ts: `${DATE}T10:00:${String(i % 60).padStart(2, '0')}Z`, service: 'api', level: 'INFO', message: `GET /x ${i}` });
const landing = async (good: number, bad: number) => {
  const lines = [...Array.from({ length: good }, (_, i) => line(i)), ...Array.from({ length: bad }, (_, i) => `garbage ${i}`)];
  await store.put(`landing/date=${DATE}/app.jsonl`, Buffer.from(lines.join('\n') + '\n'));
};
const step = () => ({ log, env: { ...process.env, SENTINEL_LAKE: lake } });

beforeAll(async () => {
  lake = await createTestLake();
  store = openStore(lake);
});

describe('ingest quality gate', () => {
  it('commits nothing to Bronze or quarantine when it rejects the run', async () => {
    await landing(100, 1);
    const ok = await ingest({ date: DATE, lake, maxQuarantineShare: 0.05 }, step());
    expect(ok).toMatchObject({ written: 100, quarantined: 1 });

    await landing(50, 50);
    const err = await ingest({ date: DATE, lake, maxQuarantineShare: 0.05 }, step()).catch((e: unknown) => e);
    expect(exitCodeOf(err)).toBe(EXIT.qualityGate);
    const bronze = await readManifest(store, bronzeLogs, DATE);
    expect(bronze).toMatchObject({ runId: ok.runId, rows: 100 });
    expect(await readManifest(store, quarantine, DATE)).toMatchObject({ runId: ok.runId, rows: 1 });
    const rejected = (await store.list(`bronze/quarantine/date=${DATE}/`)).filter((k) => k.includes('rejected-'));
    expect(rejected).toHaveLength(1);
    // Nothing of the rejected run is listed by Bronze.
    expect(bronze!.files.every((f) => f.key.includes(ok.runId))).toBe(true);
    expect((err as Error).message).toMatch(/report kept at .*rejected-/);
  });
});
