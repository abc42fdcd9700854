import type { Random } from '../../shared/random';
import type { GeneratedLevel, GeneratedRecord } from './records';

/**
 * What a message template is. The catalogs live in platformMessages.ts (infrastructure services),
 * businessMessages.ts (shop domain services), sessionMessages.ts (user actions) and
 * novelMessages.ts (messages that only ever appear inside a `new_template` anomaly).
 */
export interface MessageTemplate {
  /** Stable name for descriptions and tests; never written to the log. */
  readonly name: string;
  readonly level: GeneratedLevel;
  /** Relative frequency within its list. */
  readonly weight: number;
  /**
   * Log-normal latency (median ms, log-sd). When present, the record's latency_ms is drawn (and
   * scaled during a latency incident) before `fill` runs, so the message can quote it.
   */
  readonly latency?: { readonly median: number; readonly sigma: number };
  /** Writes the message, and status / user / trace where they fit, into the record. */
  fill(rng: Random, rec: GeneratedRecord): void;
}

export interface ServiceKind {
  readonly name: string;
  readonly hostPrefix: string;
  readonly hostCount: number;
  /** Relative share of the total log volume. */
  readonly share: number;
  /** 0 = flat around the clock (batch jobs), 1 = the full daily and weekly pattern. */
  readonly seasonality: number;
  /** Share of records drawn from `errors` in normal operation (error_burst raises it). */
  readonly errorShare: number;
  readonly templates: readonly MessageTemplate[];
  readonly errors: readonly MessageTemplate[];
  /** A user-facing service whose records come from sessions (sessions.ts), not from `templates`. */
  readonly sessions?: boolean;
}

/** HTTP status → level, as access logs of most gateways do it. */
export function levelOfStatus(status: number): GeneratedLevel {
  return status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO';
}
