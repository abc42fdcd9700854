import { describe, expect, it } from 'vitest';
import { loadTensorflow } from '../tensorflow';
import { fitLstm, lstmFromArtifact, lstmToArtifact, scoreLstm, sequencesOf } from './lstmAutoencoder';
import type { FeatureMatrix } from './types';

/** Two services, 240 one-minute windows of a smooth 2-feature signal; window 200 of service a breaks it. */
function signal(): FeatureMatrix {
  const rows = 480;
  const data = new Float64Array(rows * 2);
  const service: string[] = [];
  const windowStart = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = i % 240;
    service.push(i < 240 ? 'a' : 'b');
    windowStart[i] = t * 60_000;
    data[i * 2] = Math.sin(t / 10);
    data[i * 2 + 1] = Math.cos(t / 10);
  }
  data[200 * 2] = 9;
  return { columns: ['x', 'y'], rows, data, service, windowStart };
}

describe('lstm autoencoder', () => {
  const params = { sequenceLength: 20, units: 8, epochs: 3, seed: 11, inputScale: 1 };

  it('cuts per-service sequences in time order, the last one ending at the last window', () => {
    const seqs = sequencesOf(signal(), 20, 20);
    expect(seqs.length).toBe(24);
    expect(seqs.every((s) => s.length === 20 && s.every((r) => r < 240 === s[0] < 240))).toBe(true);
  });

  it('is reproducible with a seed, round-trips through its artifact and scores the broken window highest', async () => {
    const { tf, backend } = await loadTensorflow();
    expect(['wasm', 'cpu', 'tensorflow']).toContain(backend);
    const x = signal();
    const a = await fitLstm(tf, x, params);
    const b = await fitLstm(tf, x, params);
    const sa = await scoreLstm(tf, a, x);
    const sb = await scoreLstm(tf, b, x);
    expect(Array.from(sa.scores)).toEqual(Array.from(sb.scores));
    const restored = await lstmFromArtifact(tf, JSON.parse(JSON.stringify(await lstmToArtifact(tf, a))));
    const sr = await scoreLstm(tf, restored, x);
    expect(Array.from(sr.scores)).toEqual(Array.from(sa.scores));
    const max = sa.scores.indexOf(Math.max(...sa.scores));
    expect(max).toBe(200);
  }, 60_000);
});
