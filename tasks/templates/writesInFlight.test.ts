import { describe, expect, it } from 'vitest';
import { WritesInFlight } from './writesInFlight';

describe('WritesInFlight', () => {
  it('keeps the batches in order, holds at most `limit` writes in flight, and reuses a buffer only once its write is done', async () => {
    const written: string[] = [];
    const pending: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const sink = {
      reusesBuffers: true,
      write(bytes: Uint8Array) {
        // The text is taken when the write completes: a buffer changed before then would show.
        const at = written.push('') - 1;
        inFlight++;
        most = Math.max(most, inFlight);
        return new Promise<void>((resolve) =>
          pending.push(() => {
            written[at] = Buffer.from(bytes).toString('latin1');
            inFlight--;
            resolve();
          }),
        );
      },
    };
    const writes = new WritesInFlight(sink, 2);
    const buffers = new Set<Buffer>();
    const completing = setInterval(() => pending.shift()?.(), 1);
    try {
      for (let batch = 0; batch < 20; batch++) {
        const buffer = writes.buffer(8);
        buffers.add(buffer);
        const used = buffer.write(`b${batch};`, 'latin1');
        await writes.write(buffer, used);
      }
      await writes.finish();
    } finally {
      clearInterval(completing);
    }
    expect(written.join('')).toBe(Array.from({ length: 20 }, (_, b) => `b${b};`).join(''));
    expect(most).toBeLessThanOrEqual(2);
    expect(buffers.size).toBeLessThanOrEqual(4);
  });
});
