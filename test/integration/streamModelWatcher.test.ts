import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { createLocalStore } from '../../shared/store/localStore';
import { closedAddress } from '../support/closedAddress';
import { ModelWatcher } from '../../tasks/stream/modelWatcher';

describe('ModelWatcher', () => {
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });

  it('rechecks through a registry that does not answer (the stream goes on), while check itself fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-watcher-'));
    try {
      const pool = new pg.Pool({ connectionString: `postgres://sentinel:unused@${await closedAddress()}/sentinel`, connectionTimeoutMillis: 2000 });
      pools.push(pool);
      const watcher = new ModelWatcher(pool, createLocalStore(dir), 'sentinel', createLogger('silent'));
      await expect(watcher.check()).rejects.toThrow(/ECONNREFUSED/);
      await expect(watcher.recheck()).resolves.toBe(false);
      expect(watcher.current).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
