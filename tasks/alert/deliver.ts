import type { AlertForDelivery, PayloadFormat } from './payload';
import { buildPayload } from './payload';

/**
 * POSTs an alert with retries and exponential backoff. Never throws: the outcome is returned so
 * the step records it and finishes (a webhook outage must not fail the pipeline).
 */
export interface Channel {
  name: string;
  url: string;
  format: PayloadFormat;
  minSeverity: number;
}

export interface DeliveryOutcome {
  status: 'delivered' | 'failed';
  attempts: number;
  error?: string;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, timeoutMs: 10_000 };

export async function deliver(
  alert: AlertForDelivery,
  channel: Channel,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<DeliveryOutcome> {
  const body = JSON.stringify(buildPayload(alert, channel.format));
  let error = '';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      const res = await fetch(channel.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sentinel-alert-id': String(alert.id) },
        body,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      if (res.ok) return { status: 'delivered', attempts: attempt };
      error = `HTTP ${res.status}`;
      // 4xx other than 408/429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return { status: 'failed', attempts: attempt, error };
    } catch (err) {
      // The URL may carry a token: report the error kind, never the URL.
      error =
        (err as Error).name === 'TimeoutError'
          ? `timeout after ${policy.timeoutMs} ms`
          : `${(err as Error).name}: ${(err as { cause?: { code?: string } }).cause?.code ?? 'network error'}`;
    }
    if (attempt < policy.attempts) await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
  }
  return { status: 'failed', attempts: policy.attempts, error };
}
