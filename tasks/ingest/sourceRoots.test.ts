import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';
import { EXIT, exitCodeOf } from '../../shared/errors';
import { run as ingest } from './command';

/** Issue 14, item 10: `--source` reads only the lake, s3:// URIs, or paths under the allowed roots. */
const DATE = '2026-03-06';
const log = createLogger('silent');
const line = JSON.stringify({ ts: `${DATE}T10:00:00Z`, service: 'api', level: 'INFO', message: 'GET /x' });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'r2-source-'));
  const lake = join(dir, 'lake');
  mkdirSync(join(lake, 'landing', 'extra'), { recursive: true });
  writeFileSync(join(lake, 'landing', 'extra', 'app.jsonl'), line + '\n');
  const other = join(dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'app.jsonl'), line + '\n');
  symlinkSync(other, join(lake, 'landing', 'escape'));
  return { dir, lake, other };
}
const attempt = (source: string, lake: string, env: NodeJS.ProcessEnv = {}) =>
  ingest({ date: DATE, lake, source }, { log, env: { ...env, SENTINEL_EMBEDDED_DB_DIR: '/nonexistent' } }).catch((e: unknown) => e);

describe('ingest --source trust boundary', () => {
  it('refuses /proc/self/environ and paths outside the lake landing zone with exit 2', async () => {
    const { lake, other } = setup();
    for (const source of [
      '/proc/self/environ',
      'file:///proc/self/environ',
      other,
      join(lake, 'landing', '..', '..', 'other'),
      join(lake, 'landing', 'escape'),
    ]) {
      const err = await attempt(source, lake);
      expect(exitCodeOf(err), source).toBe(EXIT.badInput);
      expect((err as Error).message).toMatch(/is outside the allowed source roots .*SENTINEL_SOURCE_ROOTS/);
    }
  });

  it('reads under the landing zone by default, and under SENTINEL_SOURCE_ROOTS when set', async () => {
    const { lake, other } = setup();
    expect(await attempt(join(lake, 'landing', 'extra'), lake)).toMatchObject({ written: 1 });
    expect(await attempt(join(other, 'app.jsonl'), lake, { SENTINEL_SOURCE_ROOTS: `/srv/none,${other}` })).toMatchObject({ written: 1 });
    // Configured roots replace the default.
    expect(exitCodeOf(await attempt(join(lake, 'landing', 'extra'), lake, { SENTINEL_SOURCE_ROOTS: other }))).toBe(EXIT.badInput);
  });
});
