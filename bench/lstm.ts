/**
 * LSTM training budget: 30 days × 12 services of 1-minute windows (518,400 rows), built from a
 * seeded seasonal series, trained through the model bundle as `train` does. Target < 120 s on the
 * fallback (wasm) backend.
 */
import { createRandom } from '../shared/random';
import { SIGNAL_FEATURES } from '../shared/schemas';
import { fitModelBundle } from '../shared/models/bundle';
import { emptySessionData, type WindowData } from '../shared/models/trainingData';
import { printTable } from './table';

export async function benchLstm(days = 30, services = 12): Promise<Record<string, unknown>> {
  const rng = createRandom(5);
  const rows = days * 1440 * services;
  const cols = SIGNAL_FEATURES.length;
  const data = new Float64Array(rows * cols);
  const service: string[] = [];
  const windowStart = new Float64Array(rows);
  let r = 0;
  for (let s = 0; s < services; s++) {
    for (let m = 0; m < days * 1440; m++, r++) {
      const daily = 1 + 0.6 * Math.sin((2 * Math.PI * (m % 1440)) / 1440);
      service.push(`svc-${s}`);
      windowStart[r] = Date.UTC(2026, 0, 1) + m * 60_000;
      for (let j = 0; j < cols; j++) data[r * cols + j] = (10 + j) * daily * (0.9 + 0.2 * rng.next());
    }
  }
  const windows: WindowData = {
    matrix: { columns: SIGNAL_FEATURES, rows, data, service, windowStart },
    templates: Array.from({ length: rows }, () => new Map()),
    windowSeconds: 60,
  };
  const sessions = emptySessionData();
  const lines: string[] = [];
  const started = performance.now();
  await fitModelBundle(windows, sessions, { detectors: ['lstm_autoencoder'], alertRate: 0.005, seed: 42 }, (l) => {
    lines.push(l);
    console.log(`  ${l}`);
  });
  const seconds = (performance.now() - started) / 1000;
  const backend =
    lines
      .find((l) => l.includes('backend'))
      ?.split(' ')
      .pop() ?? '?';
  const epochs = lines.filter((l) => /epoch \d+/.test(l)).length;
  printTable(
    `LSTM autoencoder training budget (target < 120 s on the fallback backend)`,
    ['windows', 'backend', 'epochs', 'seconds'],
    [[rows, backend, epochs, seconds]],
  );
  return { rows, backend, epochs, seconds };
}
