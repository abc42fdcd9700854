import { describe, expect, it } from 'vitest';
import { profileOf } from '../../shared/models/profile';
import { featureDrift, scoreShift, UnseenTemplates } from './drift';

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('featureDrift', () => {
  const training = range(1000, (i) => i % 100);
  const profiles = { count: profileOf(training), error_rate: profileOf(training) };

  it('is near zero for the training distribution and large for a shifted one; columns without a profile are skipped', () => {
    // Row-major: count stays, error_rate shifts far up, latency has no profile.
    const rows = 1000;
    const data = range(rows * 3, (k) => (k % 3 === 0 ? Math.floor(k / 3) % 100 : k % 3 === 1 ? 500 + (Math.floor(k / 3) % 100) : 7));
    const { featurePsi, featureKs } = featureDrift({ rows, columns: ['count', 'error_rate', 'latency_p95'], data }, profiles);
    expect(Object.keys(featurePsi)).toEqual(['count', 'error_rate']);
    expect(featurePsi.count).toBeLessThan(0.01);
    expect(featureKs.count).toBeLessThan(0.02);
    expect(featurePsi.error_rate).toBeGreaterThan(1);
    expect(featureKs.error_rate).toBeGreaterThan(0.85);
  });
});

describe('scoreShift', () => {
  const quantiles = range(101, (i) => i / 100);

  it('uses window rows only: PSI of their scores and the share flagged', () => {
    const same = scoreShift({ entityKind: range(100, () => 'window'), score: range(100, (i) => i / 100), anomalous: range(100, (i) => i === 0) }, quantiles);
    expect(same.scorePsi).toBeLessThan(0.05);
    expect(same.anomalyRate).toBe(0.01);
    const sessionsIgnored = scoreShift(
      { entityKind: ['window', 'session', 'window', 'session'], score: [0.1, 50, 0.9, 50], anomalous: [true, true, false, true] },
      quantiles,
    );
    expect(sessionsIgnored.anomalyRate).toBe(0.5);
    const shifted = scoreShift({ entityKind: range(100, () => 'window'), score: range(100, () => 5), anomalous: range(100, () => false) }, quantiles);
    expect(shifted.scorePsi).toBeGreaterThan(1);
  });

  it('an empty day has no anomaly rate', () => {
    expect(scoreShift({ entityKind: [], score: [], anomalous: [] }, quantiles).anomalyRate).toBe(0);
  });
});

describe('UnseenTemplates', () => {
  it('counts events and distinct templates outside the vocabulary, across batches', () => {
    const u = new UnseenTemplates(['a', 'b']);
    expect(u.share).toBe(0);
    u.add(['a', 'x', 'b']);
    u.add(['x', 'y', 'a', 'a', 'b']);
    expect(u.events).toBe(8);
    expect(u.unseenEvents).toBe(3);
    expect([...u.templates]).toEqual(['x', 'y']);
    expect(u.share).toBe(3 / 8);
  });
});
