import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './store/memoryStore';
import { createTemplateMiner } from './parsing/templateMiner';
import { loadFirstSeen, loadMinerState, loadTemplateAliases, saveSnapshot } from './templateStore';

describe('template store snapshots', () => {
  it('parses a date from the snapshot before it, so reruns see the same state and later days continue', async () => {
    const lake = createMemoryStore();
    expect(await loadMinerState(lake, '2026-01-01')).toBeUndefined();
    await saveSnapshot(lake, '2026-01-01', { v: 1 }, new Map([['t1', 10]]), 'parse-1');
    await saveSnapshot(
      lake,
      '2026-01-02',
      { v: 2 },
      new Map([
        ['t1', 10],
        ['t2', 20],
      ]),
      'parse-2',
    );
    // Rerun of 01-02 starts where its first run started; 01-03 continues from 01-02.
    expect(await loadMinerState(lake, '2026-01-02')).toEqual({ v: 1 });
    expect(await loadMinerState(lake, '2026-01-03')).toEqual({ v: 2 });
    // features of 01-02 see the templates first seen on 01-02 too.
    expect([...(await loadFirstSeen(lake, '2026-01-02', true)).keys()]).toEqual(['t1', 't2']);
    expect([...(await loadFirstSeen(lake, '2026-01-02', false)).keys()]).toEqual(['t1']);
  });

  it('keeps merged-away template ids resolvable: aliases come from the saved miner state', async () => {
    const lake = createMemoryStore();
    const miner = createTemplateMiner({ wordVariantLimit: 3 });
    const ids = ['alpha', 'beta', 'gamma'].map((w) => miner.add(`job ${w} finished in time`).templateId);
    await saveSnapshot(lake, '2026-01-01', miner.toState(), new Map(ids.map((id, i) => [id, i])), 'parse-1');
    const aliases = await loadTemplateAliases(lake, '2026-01-01');
    expect(aliases.get(ids[1])).toBe(ids[0]);
    expect(await loadTemplateAliases(lake, '2025-12-31')).toEqual(new Map());
    // A later day without merges still knows the earlier ones (the state carries them on).
    await saveSnapshot(lake, '2026-01-02', createTemplateMiner({}, miner.toState()).toState(), new Map(), 'parse-2');
    expect((await loadTemplateAliases(lake, '2026-01-02')).get(ids[1])).toBe(ids[0]);
  });
});
