import type { AlertForDelivery, PayloadFormat } from './payload';
import { buildPayload } from './payload';

/**
 * POSTs an alert with retries and exponential backoff, within a deadline. Never throws: the outcome
 * is returned so the step records it and finishes (a webhook outage must not fail the pipeline).
 * `pending`: the deadline came first; the next run sends it again.
 */
export interface Channel {
  name: string;
  url: string;
  format: PayloadFormat;
  minSeverity: number;
}

export interface DeliveryOutcome {
  status: 'delivered' | 'failed' | 'pending';
  attempts: number;
  error?: string;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, timeoutMs: 10_000 };

/** One delivery's key: the same alert revision to the same channel is one delivery, however often sent. */
export const idempotencyKey = (alert: AlertForDelivery, channel: Channel) => `${alert.id}:${channel.name}:${alert.last_seen}`;

const BUDGET_SPENT = "the run's delivery time budget ran out";

export async function deliver(
  alert: AlertForDelivery,
  channel: Channel,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  deadline = Number.POSITIVE_INFINITY,
): Promise<DeliveryOutcome> {
  const key = idempotencyKey(alert, channel);
  const body = JSON.stringify(buildPayload(alert, channel.format, key));
  let error = '';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) return { status: 'pending', attempts: attempt - 1, error: BUDGET_SPENT };
    const cutByBudget = left < policy.timeoutMs;
    try {
      const res = await fetch(channel.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sentinel-alert-id': String(alert.id), 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(Math.min(policy.timeoutMs, left)),
      });
      if (res.ok) return { status: 'delivered', attempts: attempt };
      error = `HTTP ${res.status}`;
      // 4xx other than 408/429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return { status: 'failed', attempts: attempt, error };
    } catch (err) {
      if ((err as Error).name === 'TimeoutError' && cutByBudget) return { status: 'pending', attempts: attempt, error: BUDGET_SPENT };
      // The URL may carry a token: report the error kind, never the URL.
      error =
        (err as Error).name === 'TimeoutError'
          ? `timeout after ${policy.timeoutMs} ms`
          : `${(err as Error).name}: ${(err as { cause?: { code?: string } }).cause?.code ?? 'network error'}`;
    }
    if (attempt < policy.attempts) {
      const delay = policy.baseDelayMs * 2 ** (attempt - 1);
      if (Date.now() + delay >= deadline) return { status: 'pending', attempts: attempt, error: `${error}; ${BUDGET_SPENT}` };
      await sleep(delay);
    }
  }
  return { status: 'failed', attempts: policy.attempts, error };
}

/**
 * Runs `jobs` with at most `concurrency` in flight. A job not started by `deadline` is handed to
 * `onLeft` instead (the caller records it as pending).
 */
export async function runBounded<T>(
  jobs: readonly T[],
  concurrency: number,
  deadline: number,
  run: (job: T) => Promise<void>,
  onLeft: (job: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await (Date.now() < deadline ? run(job) : onLeft(job));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
}
