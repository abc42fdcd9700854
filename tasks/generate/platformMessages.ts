import type { Random } from '../../shared/random';
import { levelOfStatus, type ServiceKind } from './messages';
import type { GeneratedRecord } from './records';
import {
  CACHE_PREFIXES,
  CATEGORIES,
  clientIp,
  CRON_JOBS,
  hex8,
  internalIp,
  JOB_TYPES,
  SEARCH_WORDS,
  SERVICE_NAMES,
  TABLES,
  TOPICS,
  traceId,
  userId,
} from './messageParts';
import { intBetween, pick } from './sampling';

/** Infrastructure services: gateway, database, auth, cache, queue worker, search, scheduler. */

function apiPath(rng: Random): string {
  switch (rng.int(6)) {
    case 0:
      return `/api/v1/orders/${1000 + rng.int(900_000)}`;
    case 1:
      return `/api/v1/products/${10_000 + rng.int(90_000)}`;
    case 2:
      return `/api/v1/users/${userId(rng)}/cart`;
    case 3:
      return `/api/v1/search?q=${pick(rng, SEARCH_WORDS)}&page=${1 + rng.int(5)}`;
    case 4:
      return `/api/v1/categories/${pick(rng, CATEGORIES)}/items`;
    default:
      return `/api/v1/products/${10_000 + rng.int(90_000)}/reviews`;
  }
}

/** Mostly 2xx, a few 404/401 from clients, rare 5xx: the background error rate of a healthy API. */
function httpStatus(rng: Random, ok: number): number {
  const r = rng.next();
  if (r < 0.003) return 500;
  if (r < 0.005) return 503;
  if (r < 0.03) return 404;
  if (r < 0.04) return 401;
  if (r < 0.05) return 400;
  return ok;
}

function request(rng: Random, rec: GeneratedRecord, ok: number): number {
  const status = httpStatus(rng, ok);
  rec.status = status;
  rec.level = levelOfStatus(status);
  if (rng.next() < 0.7) rec.user_id = userId(rng);
  rec.trace_id = traceId(rng);
  return status;
}

export const apiGateway: ServiceKind = {
  name: 'api-gateway',
  hostPrefix: 'api',
  hostCount: 4,
  share: 20,
  seasonality: 1,
  errorShare: 0.005,
  templates: [
    {
      name: 'gateway.get',
      level: 'INFO',
      weight: 62,
      latency: { median: 38, sigma: 0.6 },
      fill(rng, rec) {
        const status = request(rng, rec, rng.next() < 0.05 ? 304 : 200);
        rec.message = `GET ${apiPath(rng)} ${status} in ${rec.latency_ms}ms from ${clientIp(rng)}`;
      },
    },
    {
      name: 'gateway.post',
      level: 'INFO',
      weight: 16,
      latency: { median: 85, sigma: 0.6 },
      fill(rng, rec) {
        const status = request(rng, rec, 201);
        const path = rng.next() < 0.5 ? '/api/v1/orders' : `/api/v1/carts/c-${hex8(rng)}/items`;
        rec.message = `POST ${path} ${status} in ${rec.latency_ms}ms from ${clientIp(rng)}`;
      },
    },
    {
      name: 'gateway.put',
      level: 'INFO',
      weight: 6,
      latency: { median: 70, sigma: 0.6 },
      fill(rng, rec) {
        const status = request(rng, rec, 200);
        rec.message = `PUT /api/v1/users/${rec.user_id ?? userId(rng)}/addresses/${1 + rng.int(4)} ${status} in ${rec.latency_ms}ms from ${clientIp(rng)}`;
      },
    },
    {
      name: 'gateway.health',
      level: 'DEBUG',
      weight: 9,
      latency: { median: 1.5, sigma: 0.4 },
      fill(rng, rec) {
        rec.status = 200;
        rec.message = `Health check /healthz returned 200 in ${rec.latency_ms}ms to load balancer ${internalIp(rng)}`;
      },
    },
    {
      name: 'gateway.rate_limit',
      level: 'WARN',
      weight: 1.2,
      fill(rng, rec) {
        rec.status = 429;
        rec.message = `Rate limit exceeded for client ${clientIp(rng)} on ${apiPath(rng)} (limit 600/min)`;
      },
    },
  ],
  errors: [
    {
      name: 'gateway.upstream_error',
      level: 'ERROR',
      weight: 3,
      latency: { median: 2500, sigma: 0.4 },
      fill(rng, rec) {
        rec.status = rng.next() < 0.6 ? 503 : 502;
        rec.trace_id = traceId(rng);
        rec.message = `Upstream ${pick(rng, SERVICE_NAMES)} responded ${rec.status} for GET ${apiPath(rng)} after ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'gateway.upstream_timeout',
      level: 'ERROR',
      weight: 1,
      latency: { median: 30_000, sigma: 0.02 },
      fill(rng, rec) {
        rec.status = 504;
        rec.trace_id = traceId(rng);
        rec.message = `Request ${rec.trace_id} timed out after ${rec.latency_ms}ms waiting for ${pick(rng, SERVICE_NAMES)}`;
      },
    },
  ],
};

export const ordersDb: ServiceKind = {
  name: 'orders-db',
  hostPrefix: 'pg',
  hostCount: 2,
  share: 13,
  seasonality: 0.9,
  errorShare: 0.005,
  templates: [
    {
      name: 'db.select',
      level: 'DEBUG',
      weight: 45,
      latency: { median: 3.5, sigma: 0.8 },
      fill(rng, rec) {
        rec.message = `SELECT on ${pick(rng, TABLES)} returned ${rng.int(200)} rows in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'db.update',
      level: 'DEBUG',
      weight: 15,
      latency: { median: 7, sigma: 0.7 },
      fill(rng, rec) {
        rec.message = `UPDATE ${pick(rng, TABLES)} affected ${1 + rng.int(20)} rows in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'db.insert',
      level: 'DEBUG',
      weight: 12,
      latency: { median: 5, sigma: 0.6 },
      fill(rng, rec) {
        rec.message = `INSERT INTO ${pick(rng, TABLES)} wrote ${1 + rng.int(5)} rows in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'db.commit',
      level: 'INFO',
      weight: 14,
      latency: { median: 14, sigma: 0.7 },
      fill(rng, rec) {
        rec.message = `Transaction tx-${1_000_000 + rng.int(9_000_000)} committed in ${rec.latency_ms}ms (${intBetween(rng, 1, 12)} statements)`;
      },
    },
    {
      name: 'db.pool_stats',
      level: 'DEBUG',
      weight: 6,
      fill(rng, rec) {
        const active = intBetween(rng, 3, 30);
        rec.message = `Connection pool stats: active=${active} idle=${50 - active - rng.int(5)} waiting=0 max=50`;
      },
    },
    {
      name: 'db.slow_query',
      level: 'WARN',
      weight: 1.2,
      latency: { median: 900, sigma: 0.4 },
      fill(rng, rec) {
        const table = pick(rng, TABLES);
        rec.message = `Slow query on ${table} took ${rec.latency_ms}ms: SELECT * FROM ${table} WHERE id = ${rng.int(5_000_000)}`;
      },
    },
  ],
  errors: [
    {
      name: 'db.pool_exhausted',
      level: 'ERROR',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Connection pool exhausted: ${intBetween(rng, 5, 120)} requests waiting, max 50 connections in use`;
      },
    },
    {
      name: 'db.deadlock',
      level: 'ERROR',
      weight: 1,
      latency: { median: 1000, sigma: 0.3 },
      fill(rng, rec) {
        rec.message = `Deadlock detected on ${pick(rng, TABLES)} between transactions tx-${1_000_000 + rng.int(9_000_000)} and tx-${1_000_000 + rng.int(9_000_000)}`;
      },
    },
    {
      name: 'db.statement_timeout',
      level: 'ERROR',
      weight: 1,
      latency: { median: 5000, sigma: 0.01 },
      fill(rng, rec) {
        rec.message = `Query on ${pick(rng, TABLES)} canceled after statement timeout of ${rec.latency_ms}ms`;
      },
    },
  ],
};

export const authService: ServiceKind = {
  name: 'auth-service',
  hostPrefix: 'auth',
  hostCount: 2,
  share: 7,
  seasonality: 1,
  errorShare: 0.005,
  templates: [
    {
      name: 'auth.token_issued',
      level: 'INFO',
      weight: 20,
      latency: { median: 22, sigma: 0.5 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Token issued for user ${rec.user_id} with scope ${pick(rng, ['read', 'write', 'checkout', 'admin'])} in ${rec.latency_ms}ms, expires in 3600s`;
      },
    },
    {
      name: 'auth.token_validated',
      level: 'DEBUG',
      weight: 55,
      latency: { median: 1.8, sigma: 0.6 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Token validated for user ${rec.user_id} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'auth.token_refreshed',
      level: 'INFO',
      weight: 15,
      latency: { median: 15, sigma: 0.5 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Refresh token rotated for user ${rec.user_id} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'auth.bad_signature',
      level: 'WARN',
      weight: 2,
      fill(rng, rec) {
        rec.status = 401;
        rec.message = `Rejected token with invalid signature from ${clientIp(rng)}`;
      },
    },
  ],
  errors: [
    {
      name: 'auth.ldap_bind_failed',
      level: 'ERROR',
      weight: 1,
      latency: { median: 3000, sigma: 0.2 },
      fill(rng, rec) {
        rec.message = `LDAP bind to ldap-${1 + rng.int(3)}.corp.internal:636 failed after ${rec.latency_ms}ms: connection reset by peer`;
      },
    },
    {
      name: 'auth.jwks_fetch_failed',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.status = 503;
        rec.message = `Unable to refresh signing keys from https://idp.internal/.well-known/jwks.json: HTTP ${pick(rng, [500, 502, 503])}`;
      },
    },
  ],
};

export const redisCache: ServiceKind = {
  name: 'redis-cache',
  hostPrefix: 'cache',
  hostCount: 3,
  share: 10,
  seasonality: 0.9,
  errorShare: 0.004,
  templates: [
    {
      name: 'cache.hit',
      level: 'DEBUG',
      weight: 55,
      latency: { median: 0.6, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Cache hit for key ${pick(rng, CACHE_PREFIXES)}:${rng.int(1_000_000)} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'cache.miss',
      level: 'DEBUG',
      weight: 20,
      latency: { median: 1.2, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Cache miss for key ${pick(rng, CACHE_PREFIXES)}:${rng.int(1_000_000)} in ${rec.latency_ms}ms, loading from origin`;
      },
    },
    {
      name: 'cache.set',
      level: 'DEBUG',
      weight: 18,
      latency: { median: 0.9, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `SET ${pick(rng, CACHE_PREFIXES)}:${rng.int(1_000_000)} ttl=${pick(rng, [60, 300, 900, 3600])}s in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'cache.eviction',
      level: 'INFO',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Evicted ${intBetween(rng, 10, 5000)} keys under allkeys-lru policy, used_memory=${intBetween(rng, 3800, 4096)}MB`;
      },
    },
  ],
  errors: [
    {
      name: 'cache.connection_lost',
      level: 'ERROR',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Connection to cache-${1 + rng.int(3)}:6379 lost: ECONNRESET, reconnecting in ${pick(rng, [100, 200, 400, 800])}ms`;
      },
    },
    {
      name: 'cache.oom',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Write to ${pick(rng, CACHE_PREFIXES)}:${rng.int(1_000_000)} refused: OOM command not allowed when used memory > maxmemory`;
      },
    },
  ],
};

export const queueWorker: ServiceKind = {
  name: 'queue-worker',
  hostPrefix: 'worker',
  hostCount: 3,
  share: 8,
  // Background jobs follow traffic only partly: batches run at night too.
  seasonality: 0.6,
  errorShare: 0.005,
  templates: [
    {
      name: 'queue.job_started',
      level: 'INFO',
      weight: 30,
      fill(rng, rec) {
        rec.message = `Job job-${hex8(rng)} of type ${pick(rng, JOB_TYPES)} started (attempt ${rng.next() < 0.95 ? 1 : 2})`;
      },
    },
    {
      name: 'queue.job_completed',
      level: 'INFO',
      weight: 30,
      latency: { median: 350, sigma: 0.9 },
      fill(rng, rec) {
        rec.message = `Job job-${hex8(rng)} of type ${pick(rng, JOB_TYPES)} completed in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'queue.consumer_lag',
      level: 'DEBUG',
      weight: 15,
      fill(rng, rec) {
        rec.message = `Consumer lag on topic ${pick(rng, TOPICS)} partition ${rng.int(12)} is ${rng.int(400)} messages`;
      },
    },
    {
      name: 'queue.job_retry',
      level: 'WARN',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Job job-${hex8(rng)} failed with ${pick(rng, ['ETIMEDOUT', 'ECONNREFUSED', 'HTTP_429'])}, retrying in ${pick(rng, [5, 10, 30, 60])}s`;
      },
    },
  ],
  errors: [
    {
      name: 'queue.dead_letter',
      level: 'ERROR',
      weight: 3,
      fill(rng, rec) {
        rec.message = `Job job-${hex8(rng)} of type ${pick(rng, JOB_TYPES)} moved to dead letter queue after 5 attempts`;
      },
    },
    {
      name: 'queue.broker_unavailable',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Broker kafka-${1 + rng.int(3)}:9092 unavailable, triggering consumer group rebalance`;
      },
    },
    {
      name: 'queue.worker_oom',
      level: 'FATAL',
      weight: 0.15,
      fill(rng, rec) {
        rec.message = `Worker process ${1000 + rng.int(60_000)} killed: out of memory (rss ${intBetween(rng, 2000, 4000)}MB)`;
      },
    },
  ],
};

export const searchService: ServiceKind = {
  name: 'search-service',
  hostPrefix: 'search',
  hostCount: 2,
  share: 7,
  seasonality: 1,
  errorShare: 0.005,
  templates: [
    {
      name: 'search.query',
      level: 'INFO',
      weight: 60,
      latency: { median: 45, sigma: 0.7 },
      fill(rng, rec) {
        rec.message = `Query "${pick(rng, SEARCH_WORDS)}" matched ${rng.int(3000)} documents in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'search.reindex',
      level: 'DEBUG',
      weight: 25,
      latency: { median: 12, sigma: 0.6 },
      fill(rng, rec) {
        rec.message = `Reindexed product ${10_000 + rng.int(90_000)} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'search.segment_merge',
      level: 'DEBUG',
      weight: 3,
      latency: { median: 800, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Segment merge on index products_v${intBetween(rng, 7, 9)} finished in ${rec.latency_ms}ms (${intBetween(rng, 3, 12)} segments)`;
      },
    },
  ],
  errors: [
    {
      name: 'search.shard_failed',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Shard ${rng.int(6)} on node es-data-${1 + rng.int(3)} failed: CircuitBreakingException [parent] data too large`;
      },
    },
    {
      name: 'search.query_timeout',
      level: 'ERROR',
      weight: 1,
      latency: { median: 10_000, sigma: 0.05 },
      fill(rng, rec) {
        rec.message = `Query "${pick(rng, SEARCH_WORDS)}" timed out after ${rec.latency_ms}ms on ${intBetween(rng, 1, 6)} shards`;
      },
    },
  ],
};

export const scheduler: ServiceKind = {
  name: 'scheduler',
  hostPrefix: 'cron',
  hostCount: 1,
  share: 2,
  // Cron does not care what time it is.
  seasonality: 0,
  errorShare: 0.006,
  templates: [
    {
      name: 'cron.triggered',
      level: 'INFO',
      weight: 30,
      fill(rng, rec) {
        rec.message = `Cron job ${pick(rng, CRON_JOBS)} triggered by schedule every-${pick(rng, [1, 5, 15, 60])}m`;
      },
    },
    {
      name: 'cron.finished',
      level: 'INFO',
      weight: 30,
      latency: { median: 2000, sigma: 1 },
      fill(rng, rec) {
        rec.message = `Cron job ${pick(rng, CRON_JOBS)} finished in ${rec.latency_ms}ms, processed ${rng.int(5000)} items`;
      },
    },
    {
      name: 'cron.lease_renewed',
      level: 'DEBUG',
      weight: 40,
      fill(rng, rec) {
        rec.message = `Leader lease renewed by ${rec.host} (term ${100 + rng.int(20)})`;
      },
    },
  ],
  errors: [
    {
      name: 'cron.job_failed',
      level: 'ERROR',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Cron job ${pick(rng, CRON_JOBS)} failed with exit code ${pick(rng, [1, 2, 137])} after ${rng.int(600)}s`;
      },
    },
    {
      name: 'cron.lease_lost',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Could not renew leader lease: etcd request to ${internalIp(rng)}:2379 timed out`;
      },
    },
  ],
};
