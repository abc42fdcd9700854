import { describe, expect, it } from 'vitest';
import { createRandom } from '../../random';
import { eventOrderEvidence } from './eventOrder';
import { holdsReliably, mineOrderInvariants, orderInvariantsDetector } from './orderInvariants';
import { transitionsDetector } from './transitions';
import type { SessionDetector } from './types';

/**
 * A shop's sessions with a known order: login first; browse 1–4 pages; half the sessions add to the
 * cart, then check out, then pay; logout last. Events are a second apart.
 */
function shopSessions(n: number, seed = 1): { sequences: string[][]; times: Float64Array[] } {
  const random = createRandom(seed);
  const sequences: string[][] = [];
  for (let i = 0; i < n; i++) {
    const s = ['login'];
    for (let p = 0, pages = 1 + random.int(4); p < pages; p++) s.push('view');
    if (random.next() < 0.5) s.push('add_to_cart', 'checkout', 'pay');
    s.push('logout');
    sequences.push(s);
  }
  return { sequences, times: sequences.map((s) => Float64Array.from(s, (_, p) => 1000 * p)) };
}

const seconds = (s: readonly string[]) => Float64Array.from(s, (_, p) => 1000 * p);

describe('order_invariants', () => {
  const { sequences, times } = shopSessions(600);

  it('mines the workflow: checkout precedes pay, logout is never followed by a page view', () => {
    const model = mineOrderInvariants(sequences, times);
    const has = (kind: string, a: string, b: string) =>
      model.relations.some((r) => r.kind === kind && model.vocabulary[r.a] === a && model.vocabulary[r.b] === b);
    expect(has('precedes', 'checkout', 'pay')).toBe(true);
    expect(has('precedes', 'add_to_cart', 'checkout')).toBe(true);
    expect(has('never_followed_by', 'logout', 'view')).toBe(true);
    expect(has('followed_by', 'login', 'logout')).toBe(true);
    // Not a relation: a page view may come before or after nothing in particular of the cart.
    expect(has('precedes', 'pay', 'checkout')).toBe(false);
  });

  it('flags a payment without checkout and actions after logout, naming the relation and its training share', async () => {
    const model = await orderInvariantsDetector.fit(sequences, { seed: 1, times });
    const probe = [
      ['login', 'view', 'add_to_cart', 'checkout', 'pay', 'logout'],
      ['login', 'view', 'pay', 'logout'],
      ['login', 'view', 'logout', 'view', 'view'],
    ];
    const scores = await orderInvariantsDetector.score(model, probe, probe.map(seconds));
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBeGreaterThanOrEqual(orderInvariantsDetector.autoThreshold(model, scores));
    expect(scores[2]).toBeGreaterThanOrEqual(1);
    const [finding] = await orderInvariantsDetector.explain(model, probe[1], 5, seconds(probe[1]));
    expect(finding.text).toMatch(/pay without (checkout|add_to_cart) before it; 100\.0 % of the training sessions/);
    const afterLogout = await orderInvariantsDetector.explain(model, probe[2], 10, seconds(probe[2]));
    expect(afterLogout.map((f) => f.text)).toContain('view after logout; 100.0 % of the training sessions with both have none of the second after the first');
  });

  it('does not judge events that share a timestamp: their order is unknown', async () => {
    const model = await orderInvariantsDetector.fit(sequences, { seed: 1, times });
    const session = ['login', 'view', 'pay', 'checkout', 'add_to_cart', 'logout'];
    // pay, checkout and add_to_cart logged in the same second: no order among them to break.
    const tied = Float64Array.from([0, 1000, 2000, 2000, 2000, 3000]);
    expect((await orderInvariantsDetector.score(model, [session], [tied]))[0]).toBe(0);
    expect((await orderInvariantsDetector.score(model, [session], [seconds(session)]))[0]).toBeGreaterThan(0);
  });
});

describe('order_invariants mines only relations the training data can vouch for', () => {
  /** `n` sessions with `rare` (after `login`), of which `exceptions` lack `login` before it; 2,000 other sessions. */
  function withRareEvent(n: number, exceptions: number): { sequences: string[][]; times: Float64Array[] } {
    const sequences: string[][] = [];
    for (let i = 0; i < 2_000; i++) sequences.push(['login', 'view', 'logout']);
    for (let i = 0; i < n; i++) sequences.push(i < exceptions ? ['view', 'rare', 'logout'] : ['login', 'rare', 'logout']);
    return { sequences, times: sequences.map(seconds) };
  }
  function minesLoginPrecedesRare(n: number, exceptions: number): boolean {
    const { sequences, times } = withRareEvent(n, exceptions);
    const m = mineOrderInvariants(sequences, times);
    return m.relations.some((r) => r.kind === 'precedes' && m.vocabulary[r.a] === 'login' && m.vocabulary[r.b] === 'rare');
  }

  it('holdsReliably: a 98 % share needs enough sessions behind it', () => {
    expect(holdsReliably(0, 148)).toBe(false);
    expect(holdsReliably(0, 149)).toBe(true);
    expect(holdsReliably(4, 215)).toBe(false);
    expect(holdsReliably(4, 1_000)).toBe(true);
  });

  it('skips a relation that holds in 98.1 % of 215 sessions, mines it when 1,000 sessions show it', () => {
    expect(minesLoginPrecedesRare(215, 4)).toBe(false);
    expect(minesLoginPrecedesRare(1_000, 4)).toBe(true);
  });
});

describe('order detectors on a log that cannot order its events', () => {
  // Every session's events but the first share one second, as HDFS datanodes log a block's lines.
  const { sequences } = shopSessions(600, 2);
  const tiedTimes = sequences.map((s) => Float64Array.from(s, (_, p) => (p === 0 ? 0 : 1000)));

  it('measures the share of consecutive events that tie', () => {
    const evidence = eventOrderEvidence(tiedTimes);
    expect(evidence.resolved).toBe(false);
    expect(evidence.tieShare).toBeGreaterThan(0.5);
    expect(eventOrderEvidence(undefined)).toEqual({ tieShare: null, resolved: true });
  });

  it('order_invariants and sequence_transitions stand down, and say why in the training summary', async () => {
    const shuffled = [['login', 'pay', 'view', 'logout']];
    for (const detector of [orderInvariantsDetector, transitionsDetector] as SessionDetector<unknown>[]) {
      const model = await detector.fit(sequences, { seed: 1, times: tiedTimes });
      expect(Array.from(await detector.score(model, shuffled))).toEqual([0]);
      expect(detector.note?.(model)).toMatch(/off: \d+\.\d % of consecutive events in a session share a timestamp \(limit 2 %\)/);
    }
  });
});
