/**
 * Does an event's occurrence follow the traffic, or cluster in time? Routine rare events (a
 * password reset) happen in proportion to how many sessions run each hour; an incident's events
 * (a failing disk's "unexpected error") pile up in a few hours. Test: Pearson's χ² of the event's
 * sessions per hour against the traffic's hourly shares (expected = its sessions × the hour's share
 * of all sessions), df = hours − 1; below BURST_SIGNIFICANCE the event is clustered. A routine
 * event that one incident also produced (password resets during an attack) is clustered too, but
 * most of its sessions follow the traffic: it counts as bursty only when at least BURST_EXCESS_SHARE
 * of its sessions are in excess of what the traffic predicts hour by hour.
 */
import { chiSquareTail } from '../../stats/chiSquare';

export const BURST_BUCKET_MS = 3_600_000;
export const BURST_SIGNIFICANCE = 0.01;
export const BURST_EXCESS_SHARE = 1 / 3;

export interface Burst {
  /** Start of the hour with the largest excess (epoch ms), its sessions with the event, and how many the traffic predicts. */
  bucketStart: number;
  observed: number;
  expected: number;
  /** p-value of the χ² test against the traffic. */
  p: number;
  /** Share of the event's sessions above the traffic's prediction, summed over the hours. */
  excessShare: number;
}

/**
 * The event's burst, when its sessions (starting at `eventStarts`) are not spread like the traffic
 * (`traffic`: bucket → sessions); null when they are.
 */
export function burstOf(eventStarts: readonly number[], traffic: ReadonlyMap<number, number>, totalSessions: number): Burst | null {
  const counts = new Map<number, number>();
  for (const t of eventStarts) {
    const b = Math.floor(t / BURST_BUCKET_MS);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  let chiSquare = 0;
  let excess = 0;
  let peak: Omit<Burst, 'p' | 'excessShare'> | null = null;
  for (const [bucket, sessions] of traffic) {
    const expected = (eventStarts.length * sessions) / Math.max(1, totalSessions);
    const observed = counts.get(bucket) ?? 0;
    chiSquare += (observed - expected) ** 2 / expected;
    excess += Math.max(0, observed - expected);
    if (!peak || observed - expected > peak.observed - peak.expected) peak = { bucketStart: bucket * BURST_BUCKET_MS, observed, expected };
  }
  const p = chiSquareTail(chiSquare, traffic.size - 1);
  const excessShare = excess / Math.max(1, eventStarts.length);
  return peak && p < BURST_SIGNIFICANCE && excessShare >= BURST_EXCESS_SHARE ? { ...peak, p, excessShare } : null;
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
