import { describe, expect, it } from 'vitest';
import { fitRobustBaseline, robustBaseline, scoreRobustBaseline, explainRobustBaseline } from './robustBaseline';
import { fitRareTemplates, scoreRareTemplates, explainRareTemplates } from './rareTemplates';
import { calibrate, ecdf, severityOf } from './calibration';
import { medianOfThree } from './persistence';
import type { FeatureMatrix } from './types';

/** One service, one day of 1-minute windows: count follows the hour (10 at night, 100 by day) ± 2. */
function day(): FeatureMatrix {
  const rows = 1440;
  const data = new Float64Array(rows * 2);
  const windowStart = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const hour = Math.floor(i / 60);
    data[i * 2] = (hour >= 8 && hour < 20 ? 100 : 10) + ((i * 7) % 5) - 2;
    data[i * 2 + 1] = 1;
    windowStart[i] = Date.UTC(2026, 0, 5) + i * 60_000;
  }
  return { columns: ['count', 'error_count'], rows, data, service: new Array(rows).fill('api'), windowStart };
}

describe('robust baseline', () => {
  const x = day();
  const model = fitRobustBaseline(x, { kinds: { count: 'count', error_count: 'count' }, upperOnly: ['error_count'] });

  it('compares each window with its own hour (seasonality), so normal days score low', () => {
    const scores = scoreRobustBaseline(model, x);
    expect(Math.max(...scores)).toBeLessThan(3);
  });

  it('flags a night-time count that is normal by day, and says why', () => {
    const night = { ...x, rows: 1, data: Float64Array.from([100, 1]), service: ['api'], windowStart: Float64Array.from([Date.UTC(2026, 0, 12, 3)]) };
    expect(scoreRobustBaseline(model, night)[0]).toBeGreaterThan(10);
    const [top] = explainRobustBaseline(model, night, 0, 1);
    expect(top).toMatchObject({ feature: 'count', value: 100, expected: 10 });
  });

  it('ignores drops of upper-only features and uses the Poisson floor for counts', () => {
    const quiet = { ...x, rows: 1, data: Float64Array.from([10, 0]), service: ['api'], windowStart: Float64Array.from([Date.UTC(2026, 0, 5, 2)]) };
    expect(scoreRobustBaseline(model, quiet)[0]).toBeLessThan(1);
    const errors = { ...quiet, data: Float64Array.from([10, 4]) };
    // median 1, spread floored at √1 = 1: 4 errors is z = 3, not infinity.
    expect(scoreRobustBaseline(model, errors)[0]).toBeCloseTo(3, 5);
  });

  it('falls back to the whole service, then to all services, for unknown buckets', () => {
    const unknown = { ...x, rows: 1, data: Float64Array.from([55, 1]), service: ['never-seen'], windowStart: Float64Array.from([0]) };
    expect(Number.isFinite(scoreRobustBaseline(model, unknown)[0])).toBe(true);
  });

  it('keeps a volume spike inside the training day from widening its own yardstick (log counts)', () => {
    // One day of a quiet service (10–20 lines/min) with a ×5 spike for 6 minutes at 08:31: the meanAD
    // of its hour grows with the spike (z 3.9), the MAD does not (z 5.8).
    const rows = 1440;
    const data = new Float64Array(rows);
    const windowStart = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      data[i] = i >= 511 && i < 517 ? 75 : 10 + ((i * 7) % 11);
      windowStart[i] = Date.UTC(2026, 0, 5) + i * 60_000;
    }
    const quiet: FeatureMatrix = { columns: ['count'], rows, data, service: new Array(rows).fill('pay'), windowStart };
    const scores = scoreRobustBaseline(fitRobustBaseline(quiet, { kinds: { count: 'logCount' } }), quiet);
    expect(Math.min(...scores.subarray(511, 517))).toBeGreaterThan(4);
    expect(Math.max(...scores.subarray(0, 500))).toBeLessThan(4);
  });

  it('round-trips through its artifact', () => {
    const restored = robustBaseline.fromArtifact(JSON.parse(JSON.stringify(robustBaseline.toArtifact(model))));
    expect(Array.from(scoreRobustBaseline(restored, x))).toEqual(Array.from(scoreRobustBaseline(model, x)));
  });
});

describe('rare templates', () => {
  const services = new Array(100).fill('api');
  const templates = services.map((_, i) => new Map([['common', 5], ...(i === 0 ? [['once', 1] as [string, number]] : [])]));
  const model = fitRareTemplates(services, templates);

  it('scores an unseen template above a rare one, and a common one near zero', () => {
    const [unseen, rare, common] = scoreRareTemplates(model, ['api', 'api', 'api'], [new Map([['new', 5]]), new Map([['once', 5]]), new Map([['common', 5]])]);
    expect(unseen).toBeGreaterThan(rare);
    expect(rare).toBeGreaterThan(1.5);
    expect(common).toBeLessThan(0.1);
  });

  it('damps a template that appears only once in the window', () => {
    const [once, many] = scoreRareTemplates(model, ['api', 'api'], [new Map([['new', 1]]), new Map([['new', 3]])]);
    expect(once).toBeCloseTo(many / 3, 6);
    expect(
      explainRareTemplates(
        model,
        'api',
        new Map([
          ['new', 3],
          ['common', 9],
        ]),
        1,
      )[0].feature,
    ).toBe('template:new');
  });
});

describe('calibration and persistence', () => {
  it('sets the threshold at the alert-rate quantile but never below the floor', () => {
    const scores = Float64Array.from({ length: 1000 }, (_, i) => i / 100);
    expect(calibrate(scores, 0.01, 0).threshold).toBeCloseTo(9.8901, 3);
    expect(calibrate(scores, 0.01, 20).threshold).toBe(20);
    const cal = calibrate(scores, 0.01, 0);
    expect(ecdf(cal, 5)).toBeCloseTo(0.5, 2);
    expect(severityOf(cal, cal.threshold)).toBe(50);
    expect(severityOf(cal, cal.threshold * 3)).toBe(100);
    expect(severityOf(cal, 0)).toBe(0);
  });

  it('drops a one-window spike and keeps a two-window incident, edges included', () => {
    const service = new Array(8).fill('a');
    const start = Float64Array.from({ length: 8 }, (_, i) => i * 60_000);
    const out = medianOfThree(Float64Array.from([0, 9, 0, 0, 7, 8, 0, 0]), service, start, 60_000);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 7, 7, 0, 0]);
  });
});
