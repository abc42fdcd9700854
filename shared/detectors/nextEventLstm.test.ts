import { describe, expect, it } from 'vitest';
import { loadTensorflow } from '../tensorflow';
import { createRandom } from '../random';
import { fitNextEvent, nextEventFromArtifact, nextEventToArtifact, scoreNextEvent } from './nextEventLstm';

/** A checkout flow with an optional retry loop: open → (auth)… → pay → ship → close. */
function sessions(n: number, seed: number): string[][] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => {
    const s = ['open', 'auth'];
    if (rng.next() < 0.3) s.push('retry', 'auth');
    s.push('cart', rng.next() < 0.5 ? 'pay_card' : 'pay_wallet', 'ship', 'close');
    return s;
  });
}

describe('lstm next-event model (DeepLog-style)', () => {
  const params = { history: 4, topK: 2, units: 16, epochs: 8, seed: 5 };

  it('is reproducible with a seed, round-trips through its artifact, and flags out-of-order and unseen events', async () => {
    const { tf } = await loadTensorflow();
    const train = sessions(300, 1);
    const a = await fitNextEvent(tf, train, params);
    const b = await fitNextEvent(tf, train, params);
    const test = [
      ['open', 'auth', 'cart', 'pay_card', 'ship', 'close'], // normal
      ['open', 'ship', 'auth', 'cart', 'close', 'pay_card'], // shuffled
      ['open', 'auth', 'cart', 'refund_forced', 'ship', 'close'], // unseen template
    ];
    const sa = await scoreNextEvent(tf, a, test);
    expect(Array.from(sa.scores)).toEqual(Array.from((await scoreNextEvent(tf, b, test)).scores));
    expect(sa.scores[0]).toBe(0);
    expect(sa.scores[1]).toBeGreaterThan(0.3);
    expect(sa.misses[2]).toEqual(expect.arrayContaining([expect.objectContaining({ position: 3, actual: '(unseen template)' })]));

    const loaded = await nextEventFromArtifact(tf, JSON.parse(JSON.stringify(await nextEventToArtifact(tf, a))));
    expect(Array.from((await scoreNextEvent(tf, loaded, test)).scores)).toEqual(Array.from(sa.scores));
  }, 120_000);
});
