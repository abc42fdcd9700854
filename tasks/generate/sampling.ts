import type { Random } from '../../shared/random';

/**
 * Poisson(λ) counts. Knuth's product method is exact and cheap for the small λ of one service's
 * minute; above 30 the normal approximation is indistinguishable at these counts and O(1).
 */
export function poisson(rng: Random, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
}

/** Log-normal with the given median: latencies are skewed with a long right tail. */
export function logNormal(rng: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

export function uniform(rng: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/** Integer in [lo, hi] inclusive. */
export function intBetween(rng: Random, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

export function pick<T>(rng: Random, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** Fisher-Yates, in place. */
export function shuffle<T>(rng: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** Draws items by relative weight; a linear scan beats a binary search for the ~10 items used here. */
export class WeightedChoice<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    readonly items: readonly T[],
    weightOf: (item: T) => number,
  ) {
    if (items.length === 0) throw new Error('WeightedChoice needs at least one item');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    items.forEach((item, i) => {
      sum += weightOf(item);
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Random): T {
    const x = rng.next() * this.total;
    const c = this.cumulative;
    for (let i = 0; i < c.length - 1; i++) if (x < c[i]) return this.items[i];
    return this.items[c.length - 1];
  }
}
