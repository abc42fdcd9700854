/**
 * Does an event's occurrence follow the traffic, or come in a burst? Routine rare events (a
 * password reset) happen in proportion to how many sessions run each hour; an incident's event
 * (a failing disk's "unexpected error") piles up in a few hours. Test: for each hour, the chance
 * of seeing at least the observed number of sessions with the event if it followed the traffic
 * (Poisson with mean = its sessions × that hour's share of all sessions), Bonferroni-corrected
 * over the hours; below BURST_SIGNIFICANCE the event is bursty.
 */
export const BURST_BUCKET_MS = 3_600_000;
export const BURST_SIGNIFICANCE = 0.01;

/** P(X ≥ k) for X ~ Poisson(λ), summed in log space (k up to the thousands). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let logPmf = -lambda + k * Math.log(lambda) - logFactorial(k);
  let tail = 0;
  for (let x = k; x < k + 10_000; x++) {
    const pmf = Math.exp(logPmf);
    tail += pmf;
    if (pmf < tail * 1e-12) break;
    logPmf += Math.log(lambda) - Math.log(x + 1);
  }
  return Math.min(1, tail);
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

export interface Burst {
  /** Start of the busiest hour (epoch ms), its sessions with the event, and how many the traffic predicts. */
  bucketStart: number;
  observed: number;
  expected: number;
  /** Bonferroni-corrected p-value. */
  p: number;
}

/**
 * The most significant burst of the sessions starting at `eventStarts`, against all sessions'
 * starts (`traffic`: bucket → sessions). Null when the event follows the traffic.
 */
export function burstOf(eventStarts: readonly number[], traffic: ReadonlyMap<number, number>, totalSessions: number): Burst | null {
  const counts = new Map<number, number>();
  for (const t of eventStarts) {
    const b = Math.floor(t / BURST_BUCKET_MS);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  let best: Burst | null = null;
  for (const [bucket, observed] of counts) {
    const expected = (eventStarts.length * (traffic.get(bucket) ?? 0)) / Math.max(1, totalSessions);
    const p = Math.min(1, poissonTail(observed, expected) * traffic.size);
    if (!best || p < best.p) best = { bucketStart: bucket * BURST_BUCKET_MS, observed, expected, p };
  }
  return best && best.p < BURST_SIGNIFICANCE ? best : null;
}

/** Sessions per bucket. */
export function trafficOf(starts: ArrayLike<number>): Map<number, number> {
  const traffic = new Map<number, number>();
  for (let i = 0; i < starts.length; i++) {
    const b = Math.floor(starts[i] / BURST_BUCKET_MS);
    traffic.set(b, (traffic.get(b) ?? 0) + 1);
  }
  return traffic;
}
