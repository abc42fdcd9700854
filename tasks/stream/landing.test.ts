import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../shared/store/memoryStore';
import { LandingWriter } from './landing';

const lines = (from: number, to: number, partition = 0) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ date: '2026-03-03', partition, offset: from + i, line: `{"n":${from + i}}` }));

const landed = (store: ReturnType<typeof createMemoryStore>) =>
  [...store.objects]
    .filter(([k]) => k.startsWith('landing/'))
    .flatMap(([, v]) => gunzipSync(v).toString('utf8').trim().split('\n'))
    .sort();

describe('LandingWriter', () => {
  it('lands each offset once across a crash: parts above the cursor are replaced, records below it skipped', async () => {
    const store = createMemoryStore();
    const first = new LandingWriter(store, 'logs');
    await first.write(lines(0, 9));
    // A crash after writing the part of 10..19 but before its cursor: simulate by removing the cursor update.
    const cursor = store.objects.get('state/stream/landing/logs/p0.json')!;
    await first.write(lines(10, 19));
    store.objects.set('state/stream/landing/logs/p0.json', cursor);

    // The restarted process gets 5..24 again, cut differently.
    const second = new LandingWriter(store, 'logs');
    const result = await second.write(lines(5, 24));
    expect(result.skipped).toBe(5);
    expect(landed(store)).toEqual(
      lines(0, 24)
        .map((l) => l.line)
        .sort(),
    );
    expect([...store.objects.keys()].filter((k) => k.startsWith('landing/'))).toEqual([
      'landing/date=2026-03-03/stream-logs-p0-000000000000-000000000009.jsonl.gz',
      'landing/date=2026-03-03/stream-logs-p0-000000000010-000000000024.jsonl.gz',
    ]);
  });
});
