import { describe, expect, it } from 'vitest';
import { WINDOW_DETECTORS } from '../detectors/windows/registry';
import type { WindowDetector } from '../detectors/windows/types';
import { emptySessionData, type WindowData } from './trainingData';
import { fitModelBundle, fitModelBundleScored, scoreBundle, validationScore, validationScoreOf } from './bundle';
import { forestWindows } from '../detectors/windows/forestWindows';
import { createRandom } from '../random';
import { SIGNAL_FEATURES } from '../schemas';

/** A toy detector: the error count itself. One object here plus one registry line is all it takes. */
const errorCount: WindowDetector<{ column: number }> = {
  name: 'toy_error_count',
  floor: 5,
  persistent: false,
  columns: () => ['error_count'],
  fit: async (input) => ({ column: input.matrix.columns.indexOf('error_count') }),
  async score(model, input) {
    const k = input.matrix.columns.length;
    const scores = Float64Array.from({ length: input.matrix.rows }, (_, r) => input.matrix.data[r * k + model.column]);
    return { scores, explain: (row) => [{ feature: 'error_count', value: scores[row], expected: 0, z: scores[row] }] };
  },
  toArtifact: async (model) => model,
  fromArtifact: async (artifact) => artifact as { column: number },
};

function windows(errors: number[]): WindowData {
  const columns = ['count', 'error_count'];
  const data = Float64Array.from(errors.flatMap((e) => [100, e]));
  return {
    matrix: { columns, rows: errors.length, data, service: errors.map(() => 'api'), windowStart: Float64Array.from(errors, (_, i) => i * 60_000) },
    templates: errors.map(() => new Map()),
    windowSeconds: 60,
  };
}

describe('the model bundle', () => {
  it('takes a new window detector from one file and one registry line, and never names it', async () => {
    WINDOW_DETECTORS[errorCount.name] = errorCount; // the registry line
    try {
      const training = windows(Array.from({ length: 400 }, (_, i) => i % 7));
      const bundle = await fitModelBundle(training, emptySessionData(), { detectors: ['toy_error_count'], alertRate: 0.01, seed: 1 });
      // The 0.99 quantile of 0..6 is 6, above the floor 5.
      expect(bundle.windows.thresholds).toEqual([
        { detector: 'toy_error_count', threshold: 6, source: 'quantile', trainingShare: expect.closeTo(57 / 400, 5) },
      ]);
      const scored = await scoreBundle(JSON.parse(JSON.stringify(bundle)), windows([1, 40, 2]), emptySessionData());
      expect(scored.windows.map((v) => v.anomalous)).toEqual([false, true, false]);
      expect(scored.windows[1].detectors).toEqual(['toy_error_count']);
      expect(scored.explain(1)).toEqual([{ feature: 'error_count', value: 40, expected: 0, z: 40 }]);
    } finally {
      delete WINDOW_DETECTORS[errorCount.name];
    }
  });
});

describe('the bundle fit returns its verdicts on the training windows', () => {
  /** Two services, a day of 1-minute windows, a burst of errors and a new template in one hour. */
  function day(seed: number): WindowData {
    const random = createRandom(seed);
    const columns = [...SIGNAL_FEATURES];
    const service: string[] = [];
    const starts: number[] = [];
    const templates: Map<string, number>[] = [];
    const data: number[] = [];
    for (let minute = 0; minute < 1440; minute++)
      for (const s of ['web', 'api']) {
        service.push(s);
        starts.push(Date.UTC(2026, 0, 5) + minute * 60_000);
        const incident = s === 'api' && minute >= 600 && minute < 610;
        const count = 100 + random.int(20);
        for (const c of columns)
          data.push(
            c === 'count' ? count : c === 'error_count' ? (incident ? 40 : random.int(3)) : c.startsWith('latency') ? 20 + random.int(5) : random.next(),
          );
        templates.push(new Map([['t1', count], ...(incident ? [['t9', 5] as [string, number]] : [])]));
      }
    return {
      matrix: { columns, rows: service.length, data: Float64Array.from(data), service, windowStart: Float64Array.from(starts) },
      templates,
      windowSeconds: 60,
    };
  }

  it('as scoring the windows again would give them, and the same validation number', async () => {
    const training = day(3);
    const params = { detectors: ['robust_baseline', 'isolation_forest', 'rare_templates'], alertRate: 'auto' as const, seed: 42 };
    const { bundle, trainingWindows } = await fitModelBundleScored(training, emptySessionData(), params);
    const loaded = JSON.parse(JSON.stringify(bundle));
    const rescored = await scoreBundle(loaded, training, emptySessionData());
    expect(trainingWindows).toEqual(rescored.windows);
    expect(trainingWindows.some((v) => v.anomalous)).toBe(true);
    expect(await validationScoreOf(bundle, trainingWindows, training, undefined)).toEqual(await validationScore(loaded, training, undefined));
    expect(await fitModelBundle(training, emptySessionData(), params)).toEqual(bundle);
  });

  it('the forest reuses its fit-time scores only for the fitted model on the fitted windows, with the same result', async () => {
    const input = day(4);
    const shared = new Map<string, unknown>();
    const fitted = await forestWindows.fit(input, { seed: 1, alertRate: 0.01, progress: () => {}, shared });
    const loaded = await forestWindows.fromArtifact(JSON.parse(JSON.stringify(await forestWindows.toArtifact(fitted))));
    const fresh = (await forestWindows.score(loaded, input)).scores;
    expect((await forestWindows.score(loaded, input, { shared })).scores).toEqual(fresh);
    // Other windows, or another forest: scored afresh, not given the training scores.
    const other = day(5);
    expect((await forestWindows.score(loaded, other, { shared })).scores).toEqual((await forestWindows.score(loaded, other)).scores);
    const otherForest = await forestWindows.fit(input, { seed: 2, alertRate: 0.01, progress: () => {} });
    expect((await forestWindows.score(otherForest, input, { shared })).scores).toEqual((await forestWindows.score(otherForest, input)).scores);
    expect((await forestWindows.score(otherForest, input)).scores).not.toEqual(fresh);
  });
});
