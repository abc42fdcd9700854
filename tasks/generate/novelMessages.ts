import type { Random } from '../../shared/random';
import type { GeneratedLevel } from './records';
import { hex8, internalIp, orderId, uuid } from './messageParts';
import { intBetween, pick } from './sampling';

/**
 * Messages that never occur in normal traffic: each `new_template` anomaly makes one of them
 * appear repeatedly for a few minutes (a new exception after a deploy, a new failure mode).
 * They differ from every normal template and from each other in wording and length, so a
 * Drain-style miner cannot fold them into an existing template. Days cycle through the list, so
 * in runs longer than about a week a message can come back on a later day.
 */
export interface NovelTemplate {
  readonly name: string;
  readonly level: GeneratedLevel;
  render(rng: Random): string;
}

export const NOVEL_TEMPLATES: readonly NovelTemplate[] = [
  {
    name: 'ledger_finalized',
    level: 'ERROR',
    render: (r) => `java.lang.IllegalStateException: ledger entry ${intBetween(r, 100_000, 999_999)} already finalized by batch ${hex8(r)}`,
  },
  {
    name: 'circuit_open',
    level: 'WARN',
    render: (r) =>
      `Circuit breaker OPEN for downstream ${pick(r, ['tax-api', 'fx-rates', 'address-validation'])}: failure ratio ${intBetween(r, 51, 97)}% over last 100 calls`,
  },
  {
    name: 'cert_expiry',
    level: 'WARN',
    render: (r) => `Certificate CN=${pick(r, ['api', 'edge', 'pay'])}.shop.internal expires in ${intBetween(r, 1, 47)} hours and no renewal is scheduled`,
  },
  {
    name: 'migration_lock',
    level: 'ERROR',
    render: (r) => `Schema migration 2026_${intBetween(r, 100, 999)} holds ACCESS EXCLUSIVE lock, ${intBetween(r, 3, 90)} sessions blocked`,
  },
  {
    name: 'chunked_eof',
    level: 'ERROR',
    render: (r) => `Unexpected EOF while reading chunked response body from ${internalIp(r)}:${intBetween(r, 8000, 8999)}`,
  },
  { name: 'clock_skew', level: 'WARN', render: (r) => `Clock skew of ${intBetween(r, 600, 9000)}ms detected against NTP peer ${internalIp(r)}` },
  { name: 'go_panic', level: 'FATAL', render: (r) => `panic: runtime error: index out of range [${intBetween(r, 2, 64)}] with length ${intBetween(r, 0, 2)}` },
  {
    name: 'flag_null',
    level: 'WARN',
    render: (r) =>
      `Feature flag ${pick(r, ['new-checkout', 'one-click-pay', 'smart-search'])} evaluated to null for tenant t-${intBetween(r, 10, 99)}; falling back to default variant`,
  },
  { name: 'disk_full', level: 'ERROR', render: (r) => `Filesystem /var/lib/data at ${intBetween(r, 91, 99)}% capacity, writes throttled` },
  {
    name: 'grpc_reset',
    level: 'ERROR',
    render: (r) =>
      `grpc stream reset by peer: RST_STREAM with error code ${pick(r, ['CANCEL', 'INTERNAL_ERROR', 'REFUSED_STREAM'])} (stream ${intBetween(r, 1, 9999)})`,
  },
  {
    name: 'avro_decode',
    level: 'ERROR',
    render: (r) => `Avro decode failure at offset ${intBetween(r, 1_000_000, 9_999_999)}: unknown union branch ${intBetween(r, 3, 9)} in writer schema`,
  },
  {
    name: 'blocked_thread',
    level: 'WARN',
    render: (r) => `Thread blocked-checker: worker-${intBetween(r, 1, 64)} has been blocked for ${intBetween(r, 2000, 20_000)}ms on monitor 0x${hex8(r)}`,
  },
  {
    name: 'replica_lag',
    level: 'WARN',
    render: (r) => `Replication slot replica_${intBetween(r, 1, 3)} lagging ${intBetween(r, 30, 600)}s behind primary; routing reads to primary`,
  },
  { name: 'dns_servfail', level: 'ERROR', render: (r) => `getaddrinfo EAI_AGAIN ${pick(r, ['tax-api', 'fx-rates', 'geo-ip'])}.svc.cluster.local` },
  {
    name: 'gc_pressure',
    level: 'WARN',
    render: (r) => `GC overhead limit approaching: heap ${intBetween(r, 92, 99)}% after full collection, pause ${intBetween(r, 800, 4000)}ms`,
  },
  { name: 'dedup_reject', level: 'ERROR', render: (r) => `Duplicate delivery ${uuid(r)} rejected by exactly-once filter` },
  {
    name: 'license_expired',
    level: 'ERROR',
    render: (r) => `License token for module pdf-renderer expired ${intBetween(r, 1, 59)} minutes ago; rendering disabled`,
  },
  {
    name: 'unhandled_rejection',
    level: 'ERROR',
    render: (r) => `Unhandled promise rejection: TypeError: Cannot read properties of undefined (reading '${pick(r, ['price', 'items', 'currency'])}')`,
  },
  {
    name: 'webhook_signature',
    level: 'WARN',
    render: (r) => `Webhook from partner ${pick(r, ['acme', 'globex', 'initech'])} failed HMAC verification (key id k${intBetween(r, 1, 9)})`,
  },
  { name: 'double_refund', level: 'ERROR', render: (r) => `Refund guard tripped: order ${orderId(r)} would be refunded twice` },
];
