import { describe, expect, it } from 'vitest';
import { createRandom } from '../../random';
import { mineInvariants, invariantsDetector } from './invariants';
import { burstOf } from './bursts';
import { rareEventsDetector } from './rareEvents';
import { SESSION_DETECTORS } from './registry';
import type { Sequences } from './types';

/**
 * Constructed sessions of a job with a known structure: every session opens once, writes 1–3
 * times with one ack per write, and closes once; 1 in 50 sessions also retries (a legal rare event).
 */
function jobSessions(n: number, seed = 1): string[][] {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const writes = 1 + random.int(3);
    const s = ['open'];
    for (let w = 0; w < writes; w++) s.push('write', 'ack');
    if (i % 50 === 0) s.push('retry');
    s.push('close');
    return s;
  });
}

describe('invariants', () => {
  it('mines count(write) = count(ack) and count(open) = count(close) from sessions with that structure', () => {
    const model = mineInvariants(jobSessions(500));
    const relations = model.invariants.map((inv) => inv.columns.map((j, k) => `${inv.coefficients[k]}·${model.vocabulary[j]}`).join(' + '));
    expect(relations).toContain('1·ack + -1·write');
    expect(relations).toContain('1·close + -1·open');
    // 'retry' occurs in 2 % of sessions, alone: no relation involves it.
    expect(relations.some((r) => r.includes('retry'))).toBe(false);
  });

  it('flags a session that breaks an invariant and names the counts on both sides', async () => {
    const model = await invariantsDetector.fit(jobSessions(500), { seed: 1 });
    const broken = ['open', 'write', 'ack', 'write', 'close'];
    const [ok, bad] = await invariantsDetector.score(model, [['open', 'write', 'ack', 'close'], broken]);
    expect(ok).toBe(0);
    expect(bad).toBeGreaterThanOrEqual(invariantsDetector.autoThreshold(model, new Float64Array()));
    const [finding] = await invariantsDetector.explain(model, broken, 3);
    expect(finding.text).toMatch(/^count\(ack\) ≠ count\(write\): 1 vs 2; equal in 100.0 % of the training sessions/);
    expect(finding.events).toEqual(['ack', 'write']);
  });

  it('needs the relation in 98 % of the sessions that use its events, not of all sessions', () => {
    // Two rare events, both absent from 97 % of sessions, never in the same one: no invariant.
    const sessions = jobSessions(600).map((s, i) => (i % 100 === 1 ? [...s, 'x'] : i % 100 === 2 ? [...s, 'y'] : s));
    const model = mineInvariants(sessions);
    expect(model.invariants.some((inv) => inv.columns.some((j) => ['x', 'y'].includes(model.vocabulary[j])))).toBe(false);
  });
});

describe('rare_events', () => {
  it('scores a session by its rarest event and says how rare it was in training', async () => {
    const training = jobSessions(1000);
    const model = await rareEventsDetector.fit(training, { seed: 1 });
    const [common, unseen] = await rareEventsDetector.score(model, [
      ['open', 'write', 'ack', 'close'],
      ['open', 'panic', 'close'],
    ]);
    expect(unseen).toBeGreaterThan(rareEventsDetector.autoThreshold(model, new Float64Array()));
    expect(common).toBeLessThan(rareEventsDetector.floor);
    const [finding] = await rareEventsDetector.explain(model, ['open', 'retry', 'close'], 1);
    expect(finding.text).toBe('retry (×1) is in 2.0 % of training sessions (20 of 1000)');
  });
});

describe('rare_events and repeats', () => {
  it('flags an event repeated far more often than any training session repeats it, and says how often training did', async () => {
    const model = await rareEventsDetector.fit(jobSessions(2000), { seed: 1 });
    const tenWrites = ['open', ...Array.from({ length: 10 }, () => ['write', 'ack']).flat(), 'close'];
    const [usual, repeated] = await rareEventsDetector.score(model, [['open', 'write', 'ack', 'write', 'ack', 'close'], tenWrites]);
    const threshold = rareEventsDetector.autoThreshold(model, new Float64Array());
    expect(usual).toBeLessThan(threshold);
    expect(repeated).toBeGreaterThanOrEqual(threshold);
    const [finding] = await rareEventsDetector.explain(model, tenWrites, 1);
    expect(finding.text).toBe("ack ×10: 10 or more times in 0 % of training sessions (0 of 2000), 45 % or more of a session's events in 0 % (0)");
  });

  it('does not flag a long session whose mix of events is ordinary: more views in a longer visit', async () => {
    // Visits of 1–20 page views, with up to as many cart actions.
    const random = createRandom(5);
    const visits = Array.from({ length: 2000 }, () => {
      const views = 1 + random.int(20);
      return ['open', ...Array.from({ length: views }, () => 'view'), ...Array.from({ length: random.int(views + 1) }, () => 'cart'), 'close'];
    });
    const model = await rareEventsDetector.fit(visits, { seed: 1 });
    const threshold = rareEventsDetector.autoThreshold(model, new Float64Array());
    // 30 views, more than any training visit, but 57 % of the visit's events, as in many visits.
    const long = ['open', ...Array.from({ length: 30 }, () => 'view'), ...Array.from({ length: 21 }, () => 'cart'), 'close'];
    // 30 views that are nearly the whole visit: no training visit is like that.
    const onlyViews = ['open', ...Array.from({ length: 30 }, () => 'view'), 'close'];
    const [longScore, onlyViewsScore] = await rareEventsDetector.score(model, [long, onlyViews]);
    expect(longScore).toBeLessThan(threshold);
    expect(onlyViewsScore).toBeGreaterThanOrEqual(threshold);
  });
});

describe('rare_events and bursts', () => {
  it('an event in 1 % of sessions is routine when it follows the traffic, and rare when it comes in one hour', async () => {
    const hour = 3_600_000;
    const sessions = jobSessions(2400);
    // 100 sessions an hour for 24 hours; 'decline' in every 100th session, 'disk_error' in 23 sessions of hour 5 (the 24th, session 507, declines).
    const starts = sessions.map((_, i) => Math.floor(i / 100) * hour + (i % 100) * 1000);
    const training = sessions.map((s, i) => (i % 100 === 7 ? [...s, 'decline'] : i >= 500 && i < 524 ? [...s, 'disk_error'] : s));
    const model = await rareEventsDetector.fit(training, { seed: 1, starts });
    const threshold = rareEventsDetector.autoThreshold(model, new Float64Array());
    const [decline, diskError] = await rareEventsDetector.score(model, [
      ['open', 'decline', 'close'],
      ['open', 'disk_error', 'close'],
    ]);
    expect(decline).toBeLessThan(threshold);
    expect(diskError).toBeGreaterThanOrEqual(threshold);
    const [finding] = await rareEventsDetector.explain(model, ['open', 'disk_error', 'close'], 1);
    expect(finding.text).toMatch(
      /^disk_error \(×1\) is in 1.0 % of training sessions \(23 of 2400\), 23 of them in the hour from 1970-01-01T05:00Z where the traffic predicts 1.0$/,
    );
  });
});

describe('bursts', () => {
  it('a routine event that one incident also produced stays routine: most of its sessions follow the traffic', () => {
    const hour = 3_600_000;
    const traffic = new Map(Array.from({ length: 48 }, (_, h) => [h, 100] as [number, number]));
    // 2 resets every hour, plus 20 more in hour 30 (an attack): clustered, but 85 % routine.
    const resets = [...Array.from({ length: 96 }, (_, i) => Math.floor(i / 2) * hour), ...Array.from({ length: 20 }, () => 30 * hour)];
    expect(burstOf(resets, traffic, 4800)).toBeNull();
    // An error that only ever comes in two hours.
    const errors = Array.from({ length: 40 }, (_, i) => (i < 20 ? 10 : 31) * hour);
    expect(burstOf(errors, traffic, 4800)).toMatchObject({ bucketStart: 10 * hour, observed: 20 });
  });
});

describe('every session detector', () => {
  const training = jobSessions(400, 3);
  const probe: Sequences = [
    ['open', 'write', 'ack', 'close'],
    ['open', 'write', 'write', 'ack', 'close'],
    ['open', 'panic'],
  ];
  for (const [name, detector] of Object.entries(SESSION_DETECTORS)) {
    if (name === 'lstm_next_event') continue; // TensorFlow.js: covered in nextEventLstm.test.ts
    it(`${name}: the same seed gives the same scores, and the JSON artifact scores the same`, async () => {
      const a = await detector.fit(training, { seed: 7 });
      const b = await detector.fit(training, { seed: 7 });
      const scoresA = await detector.score(a, probe);
      expect(Array.from(await detector.score(b, probe))).toEqual(Array.from(scoresA));
      const restored = await detector.fromArtifact(JSON.parse(JSON.stringify(await detector.toArtifact(a))));
      expect(Array.from(await detector.score(restored, probe))).toEqual(Array.from(scoresA));
      // A session's score does not depend on which sessions are scored with it.
      expect((await detector.score(a, [probe[2]]))[0]).toBe(scoresA[2]);
      // The broken session never scores below the clean one (the forest cannot isolate an all-zero column, so it may tie).
      expect(scoresA[2]).toBeGreaterThanOrEqual(scoresA[0]);
    });
  }
  it('rejects an artifact of another detector', async () => {
    const artifact = await invariantsDetector.toArtifact(await invariantsDetector.fit(training, { seed: 1 }));
    await expect(rareEventsDetector.fromArtifact(artifact)).rejects.toThrow(/not a rare_events artifact/);
  });
});
