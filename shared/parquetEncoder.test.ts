import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParquetEncoder } from './parquetEncoder';
import { decodeParquet, encodeParquet } from './parquet';
import { quarantine } from './schemas';

// The worker is the bundled file; `make test` builds dist/ first (`npm run build`).
const workerUrl = new URL('../dist/parquetWorker.mjs', import.meta.url);

const batch = (n: number) => ({
  rows: n,
  columns: {
    source_file: Array.from({ length: n }, (_, i) => `f${i % 3}`),
    source_line: Int32Array.from({ length: n }, (_, i) => i + 1),
    raw: Array.from({ length: n }, (_, i) => (i % 5 ? `line ${i} ✓` : null)),
    reason: Array.from({ length: n }, () => 'r'),
  },
});

describe('ParquetEncoder on a worker thread', () => {
  it('writes the same Parquet as encoding on the calling thread, for parts in flight together', async () => {
    expect(existsSync(fileURLToPath(workerUrl)), 'run `npm run build` first').toBe(true);
    const encoder = new ParquetEncoder(workerUrl);
    expect(encoder.usesWorker).toBe(true);
    const parts = await Promise.all([batch(1000), batch(10), batch(0)].map((b) => encoder.encode(quarantine, b)));
    parts.forEach((bytes, k) => {
      expect(decodeParquet(quarantine, bytes)).toEqual(decodeParquet(quarantine, encodeParquet(quarantine, [batch(1000), batch(10), batch(0)][k])));
    });
  });

  it('rejects pending parts when the worker thread dies instead of hanging the step', async () => {
    const encoder = new ParquetEncoder(new URL('./no-such-worker.mjs', import.meta.url));
    await expect(encoder.encode(quarantine, batch(3))).rejects.toThrow(/no-such-worker|exited|Cannot find/);
  });

  it('warms up without a trace: the parts after it are the same, and a worker that cannot start fails the parts, not the warm-up', async () => {
    const encoder = new ParquetEncoder(workerUrl);
    encoder.warmUp(quarantine);
    const bytes = await encoder.encode(quarantine, batch(100));
    expect(decodeParquet(quarantine, bytes)).toEqual(decodeParquet(quarantine, encodeParquet(quarantine, batch(100))));
    const broken = new ParquetEncoder(new URL('./no-such-worker.mjs', import.meta.url));
    broken.warmUp(quarantine); // an unhandled rejection here would fail this test file
    await expect(broken.encode(quarantine, batch(3))).rejects.toThrow(/no-such-worker|exited|Cannot find/);
  });
});
