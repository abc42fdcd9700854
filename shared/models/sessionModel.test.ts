import { describe, expect, it } from 'vitest';
import { chooseThreshold, describeThreshold, fitSessionModel, loadSessionModel, rateThreshold, scoreSessions } from './sessionModel';
import { createRandom } from '../random';

describe('session thresholds', () => {
  it('takes the (1 − rate) quantile, moving past ties so at most the rate is flagged', () => {
    const scores = Float64Array.from([...new Array(95).fill(0), 1, 1, 2, 3, 4]);
    // The plain 0.97 quantile (1.03) flags 3 %; 0.98 would land on the tie at 1 and flag 5 %.
    expect(rateThreshold(Float64Array.from(scores).sort(), 0.02)).toBe(3);
    const t = chooseThreshold(scores, 0.02, 1, 0);
    expect(t).toMatchObject({ value: 3, source: 'quantile', trainingShare: 0.02 });
  });

  it('uses the detector own test with auto, and the floor when the floor is higher, and says so', () => {
    const scores = Float64Array.from({ length: 100 }, (_, i) => i / 1000);
    expect(chooseThreshold(scores, 'auto', 0.05, 0)).toMatchObject({ value: 0.05, source: 'auto' });
    const floored = chooseThreshold(scores, 0.1, 0, 0.5);
    expect(floored).toMatchObject({ value: 0.5, source: 'floor', trainingShare: 0 });
    expect(describeThreshold('rare_events', floored, 0.1)).toMatch(/threshold 0.5 is the floor, above the 0.9 quantile 0.09: the alert rate has no effect/);
  });
});

/** Shop-like sessions: login, browse, maybe pay, logout; a few with rare detours. */
function shopSessions(n: number, seed: number): string[][] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const s = ['login'];
    const views = 1 + random.int(5);
    for (let v = 0; v < views; v++) s.push(random.next() < 0.3 ? 'search' : 'view');
    if (random.next() < 0.4) s.push('add_to_cart', 'checkout', 'payment');
    if (random.next() < 0.03) s.push('password_reset');
    if (random.next() < 0.01) s.push('payment_declined');
    s.push(random.next() < 0.8 ? 'logout' : 'session_expired');
    return s;
  });
}

describe('--alert-rate on generated sessions', () => {
  it('moves the number of flagged sessions monotonically, and every detector with it', async () => {
    const training = shopSessions(3000, 1);
    const test = shopSessions(3000, 2);
    const flagged: number[] = [];
    for (const alertRate of [0.001, 0.005, 0.02, 0.05, 0.1]) {
      const model = await fitSessionModel(training, { detectors: ['invariants', 'rare_events', 'sequence_transitions'], alertRate, seed: 42 });
      for (const d of model.detectors) expect(d.threshold.trainingShare).toBeLessThanOrEqual(alertRate + 1e-12);
      const verdicts = await scoreSessions(await loadSessionModel(model), test);
      flagged.push(verdicts.filter((v) => v.anomalous).length);
    }
    for (let i = 1; i < flagged.length; i++) expect(flagged[i]).toBeGreaterThanOrEqual(flagged[i - 1]);
    expect(flagged[flagged.length - 1]).toBeGreaterThan(flagged[0]);
  });
});
