import { describe, expect, it } from 'vitest';
import { createRandom } from '../../shared/random';
import { MEAN_NORMAL_SESSION_EVENTS, normalSession, sequenceViolation, unusualSession, UNUSUAL_SEQUENCES, type SessionStep } from './sessions';

const observe = (steps: SessionStep[]) => steps.map((s) => ({ kind: s.kind, fromNewIp: s.fromNewIp }));

describe('session grammar', () => {
  it('normal sessions and all their prefixes are plausible', () => {
    const rng = createRandom(1);
    for (let i = 0; i < 5000; i++) {
      const events = observe(normalSession(rng));
      for (let k = 1; k <= events.length; k++) expect(sequenceViolation(events.slice(0, k))).toBeUndefined();
    }
  });

  it('normal sessions vary: some buy, some only browse, some fail a login first', () => {
    const rng = createRandom(2);
    const sessions = Array.from({ length: 3000 }, () => normalSession(rng).map((s) => s.kind));
    const share = (p: (k: string[]) => boolean) => sessions.filter(p).length / sessions.length;
    expect(share((k) => k.includes('payment'))).toBeGreaterThan(0.1);
    expect(share((k) => !k.includes('add_to_cart'))).toBeGreaterThan(0.2);
    expect(share((k) => k[0] === 'login_failed')).toBeGreaterThan(0.02);
    expect(share((k) => k.at(-1) === 'logout')).toBeGreaterThan(0.4);
    expect(MEAN_NORMAL_SESSION_EVENTS).toBeGreaterThan(5);
    expect(MEAN_NORMAL_SESSION_EVENTS).toBeLessThan(15);
  });

  it.each(UNUSUAL_SEQUENCES)('%s sessions always violate the grammar, quickly', (variant) => {
    const rng = createRandom(3);
    for (let i = 0; i < 500; i++) {
      const steps = unusualSession(rng, variant);
      expect(sequenceViolation(observe(steps))).toBeDefined();
      // They must fit inside the shortest (3-minute) anomaly interval.
      expect(steps.reduce((s, x) => s + x.gapMs, 0)).toBeLessThan(150_000);
    }
  });

  it('explains what is wrong', () => {
    expect(
      sequenceViolation([
        { kind: 'login', fromNewIp: false },
        { kind: 'view', fromNewIp: false },
        { kind: 'payment', fromNewIp: false },
      ]),
    ).toMatch(/payment without checkout/);
    expect(sequenceViolation([{ kind: 'view', fromNewIp: false }])).toMatch(/before login/);
  });
});
