import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memoryStore';
import { writePartition } from '../lake';
import { goldSessions, goldWindows } from '../schemas';
import { BatchBuilder } from '../batchBuilder';
import { createRandom } from '../random';
import { loadSessionData, readSessionParts, reservoirSlots } from './trainingData';

/** Gold sessions of a date, and (unless `windows` is false) the windows manifest features commits last, naming them. */
async function writeSessions(store: ReturnType<typeof createMemoryStore>, date: string, n: number, runId = 'features-t', windows = true) {
  const b = new BatchBuilder(goldSessions, 400);
  const parts = [];
  for (let i = 0; i < n; i++) {
    const full = b.push({
      session_id: `${date}-s${i}`,
      service: 'shop',
      start: i,
      end: i + 1,
      event_count: 2,
      error_count: 0,
      duration_s: 0.001,
      sequence: JSON.stringify(['A', 'B']),
      offsets_ms: JSON.stringify([0, 1 + (i % 3)]),
      template_counts: '{"A":1,"B":1}',
    });
    if (full) parts.push(full);
  }
  parts.push(b.flush());
  await writePartition(store, goldSessions, date, parts, { runId });
  if (windows) await writePartition(store, goldWindows, date, [], { runId, companions: { sessions: runId } });
}

describe('loadSessionData', () => {
  it('loads every session, or a seeded uniform sample of at most maxSessions', async () => {
    const store = createMemoryStore();
    await writeSessions(store, '2026-01-05', 1000);
    await writeSessions(store, '2026-01-06', 1000);
    const dates = ['2026-01-05', '2026-01-06'];
    expect((await loadSessionData(store, dates)).ids).toHaveLength(2000);

    const sample = await loadSessionData(store, dates, { maxSessions: 300, seed: 7 });
    expect(sample.ids).toHaveLength(300);
    expect(sample.start).toHaveLength(300);
    // Event times are start + offset, parallel to the sequence.
    const index = (id: string) => Number(id.split('-s')[1]);
    expect(sample.times.map((t) => Array.from(t))).toEqual(sample.ids.map((id, k) => [sample.start[k], sample.start[k] + 1 + (index(id) % 3)]));
    expect(new Set(sample.ids).size).toBe(300);
    // Both days are represented about equally (uniform over all 2,000), not just the first 300 seen.
    const secondDay = sample.ids.filter((id) => id.startsWith('2026-01-06')).length;
    expect(secondDay).toBeGreaterThan(110);
    expect(secondDay).toBeLessThan(190);
    expect((await loadSessionData(store, dates, { maxSessions: 300, seed: 7 })).ids).toEqual(sample.ids);
  });
  it("reads a date's sessions only with the windows features committed them with", async () => {
    const store = createMemoryStore();
    // A features run that never reached its windows commit: its sessions are not read.
    await writeSessions(store, '2026-01-07', 10, 'features-a', false);
    expect((await loadSessionData(store, ['2026-01-07'])).ids).toEqual([]);
    await writeSessions(store, '2026-01-07', 10, 'features-a');
    expect((await loadSessionData(store, ['2026-01-07'])).ids).toHaveLength(10);
    // A later run stopped between its sessions and windows commits: the set is mixed and refused.
    await writeSessions(store, '2026-01-07', 5, 'features-b', false);
    await expect(loadSessionData(store, ['2026-01-07'])).rejects.toThrow(/a run of features stopped between its commits\. Rerun features for 2026-01-07/);
  });
});

describe('reservoirSlots', () => {
  /** Algorithm R as it was run while reading: the final item index in each slot. */
  function sampledWhileReading(total: number, limit: number, seed: number): number[] {
    const random = createRandom(seed);
    const slots: number[] = [];
    for (let seen = 0; seen < total; seen++) {
      const slot = seen < limit ? seen : random.int(seen + 1);
      if (slot < limit) slots[slot] = seen;
    }
    return slots;
  }

  it('keeps the same items in the same slots as sampling while reading', () => {
    for (const [total, limit, seed] of [
      [10, 50, 1],
      [50, 50, 2],
      [51, 50, 3],
      [5_000, 300, 7],
      [100_000, 1_000, 42],
    ]) {
      const slotOf = reservoirSlots(total, limit, createRandom(seed));
      const slots: number[] = [];
      for (let i = 0; i < total; i++) {
        const slot = slotOf(i);
        if (slot !== undefined) slots[slot] = i;
      }
      expect(slots).toEqual(sampledWhileReading(total, limit, seed));
    }
  });
});

describe('readSessionParts', () => {
  it('yields every session of the date once, in order, a slice at a time', async () => {
    const store = createMemoryStore();
    await writeSessions(store, '2026-01-05', 1000);
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const s of readSessionParts(store, '2026-01-05', 150)) {
      sizes.push(s.ids.length);
      ids.push(...s.ids);
      expect(s.sequences.every((seq) => seq.join() === 'A,B')).toBe(true);
      expect(s.times.map((t) => Array.from(t))).toEqual(s.ids.map((id, k) => [s.start[k], s.start[k] + 1 + (Number(id.split('-s')[1]) % 3)]));
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(150);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => `2026-01-05-s${i}`));
  });
});
