import { describe, expect, it } from 'vitest';
import { anomalySet, checkScoredAnomalies } from './scoredAnomalies';
import type { PartitionManifest } from './lake';
import { EXIT, exitCodeOf } from './errors';

const row = (key: string, version = 1, kind: 'window' | 'session' = 'window', date = '2026-03-12') => ({
  date,
  entity_kind: kind,
  entity_key: key,
  model_name: 'sentinel',
  model_version: version,
});
const scored = (rows: ReturnType<typeof row>[] | undefined): PartitionManifest => ({
  table: 'scored/windows',
  date: '2026-03-12',
  runId: 'score-1',
  rows: 10,
  files: [],
  committedAt: '2026-03-12T00:00:00Z',
  extra: rows ? { anomalies: anomalySet(rows) } : {},
});

describe('scored anomalies', () => {
  it('names a set by its distinct keys and versions, in any order', () => {
    expect(anomalySet([row('a'), row('b')])).toEqual(anomalySet([row('b'), row('a'), row('a')]));
    expect(anomalySet([row('a'), row('b')]).rows).toBe(2);
    expect(anomalySet([row('a')]).digest).not.toBe(anomalySet([row('a', 2)]).digest);
  });

  it('passes the set the lake names (other dates ignored) and refuses another, naming the step to rerun', () => {
    const rows = [row('a'), row('s', 1, 'session')];
    expect(() => checkScoredAnomalies(scored(rows), [...rows, row('x', 1, 'window', '2026-03-13')])).not.toThrow();
    expect(() => checkScoredAnomalies(scored(undefined), [row('z')])).not.toThrow();
    let err: unknown;
    try {
      checkScoredAnomalies(scored(rows), [row('a', 2), row('s', 2, 'session')]);
    } catch (e) {
      err = e;
    }
    expect(exitCodeOf(err)).toBe(EXIT.externalService);
    expect((err as Error).message).toMatch(/goes with 2 anomalies, but the database holds another set of 2: .*Rerun score for 2026-03-12/);
  });
});
