import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { TypedArrayPool, WindowValues } from './windowValues';

describe('WindowValues', () => {
  it('counts each user once and sorts the latencies, through growth and reuse of pooled arrays', () => {
    const pool = new TypedArrayPool();
    const random = createRandom(7);
    for (let round = 0; round < 3; round++) {
      const values = new WindowValues(pool);
      const users = new Set<number>();
      const latencies: number[] = [];
      // Enough values to grow both arrays several times; users repeat, 0 and large numbers included.
      for (let i = 0; i < 5_000; i++) {
        const user = i % 97 === 0 ? 0 : random.int(round === 1 ? 40 : 3_000) * 7_919;
        values.addUser(user);
        users.add(user);
        const latency = random.int(1_000) / 8 - (i % 50 === 0 ? 0 : 10);
        values.addLatency(latency);
        latencies.push(latency);
      }
      expect(values.distinctUsers).toBe(users.size);
      expect([...values.sortedLatencies()]).toEqual([...Float64Array.from(latencies).sort()]);
      values.release();
      expect(values.distinctUsers).toBe(0);
      expect(values.sortedLatencies().length).toBe(0);
    }
  });

  it('gives a reused integer array back as zeros', () => {
    const pool = new TypedArrayPool();
    const ints = pool.int32(16);
    ints.fill(5);
    pool.release(ints);
    const again = pool.int32(16);
    expect(again).toBe(ints);
    expect([...again]).toEqual(new Array(16).fill(0));
    expect(pool.float64(32)).not.toBe(pool.float64(32));
  });
});
