import type { Random } from '../../shared/random';
import { pick } from './sampling';

/**
 * The variable parts of log messages: ids, IPs, amounts, names. A Drain-style miner has to turn
 * these into wildcards, so they vary the way real ones do (numbers, hex ids, UUIDs, dotted IPs).
 */

/** Size of the user population; user ids are u-1..u-USER_COUNT. */
export const USER_COUNT = 40_000;

export function hex8(rng: Random): string {
  return rng.int(0x100000000).toString(16).padStart(8, '0');
}

export function hex16(rng: Random): string {
  return hex8(rng) + hex8(rng);
}

export function uuid(rng: Random): string {
  const a = hex8(rng);
  const b = hex8(rng);
  const c = hex8(rng);
  const d = hex8(rng);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${'89ab'[rng.int(4)]}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

export const traceId = hex16;

export function userNumber(rng: Random): number {
  return 1 + rng.int(USER_COUNT);
}

export function userId(rng: Random): string {
  return 'u-' + userNumber(rng);
}

export function sessionId(rng: Random): string {
  return 's-' + hex8(rng);
}

export function orderId(rng: Random): string {
  return 'o-' + (1_000_000 + rng.int(9_000_000));
}

export function sku(rng: Random): string {
  return 'SKU-' + (10_000 + rng.int(90_000));
}

export function itemNumber(rng: Random): number {
  return 10_000 + rng.int(90_000);
}

/** Clients inside the private network (load balancers, other services, office users). */
export function internalIp(rng: Random): string {
  return `10.${rng.int(4)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/** Public client addresses as seen behind the edge proxy. */
export function clientIp(rng: Random): string {
  return `${pick(rng, CLIENT_FIRST_OCTETS)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/**
 * Each user logs in from one stable address, derived from the user number, so that "a login from
 * a new IP" is observable in the logs (see the credential-stuffing sequence).
 */
export function homeIpOf(user: number): string {
  return `172.${16 + (Math.floor(user / 64_516) % 16)}.${Math.floor(user / 254) % 254}.${(user % 254) + 1}`;
}

/** Addresses no user logs in from normally: hosting ranges an attacker would rent. */
export function attackerIp(rng: Random): string {
  return `${pick(rng, ATTACKER_FIRST_OCTETS)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/** Money with cents, e.g. 129.97. */
export function amount(rng: Random, min = 5, max = 400): string {
  return (min + rng.next() * (max - min)).toFixed(2);
}

/** Latency as written in messages and in latency_ms: 0.1 ms resolution below 10 ms, whole ms above. */
export function roundLatency(ms: number): number {
  return ms < 10 ? Math.max(0.1, Math.round(ms * 10) / 10) : Math.round(ms);
}

const CLIENT_FIRST_OCTETS = [24, 31, 62, 73, 81, 98, 109, 151, 176, 188, 203, 212];
const ATTACKER_FIRST_OCTETS = [45, 91, 103, 185, 193, 194];

export const CATEGORIES = ['electronics', 'books', 'garden', 'toys', 'fashion', 'sports', 'kitchen', 'beauty', 'grocery', 'automotive'];
/** Single words, so a search message always has the same number of tokens. */
export const SEARCH_WORDS = [
  'headphones',
  'laptop',
  'sneakers',
  'blender',
  'tent',
  'lego',
  'jacket',
  'monitor',
  'kettle',
  'backpack',
  'novel',
  'drill',
  'lamp',
  'yoga-mat',
  'charger',
];
export const TABLES = ['orders', 'order_items', 'users', 'products', 'inventory', 'payments', 'carts', 'addresses'];
export const CACHE_PREFIXES = ['session', 'product', 'cart', 'user', 'price', 'reco'];
export const TOPICS = ['orders.created', 'payments.captured', 'emails.outbound', 'inventory.updates', 'search.reindex'];
export const JOB_TYPES = ['send_email', 'generate_invoice', 'sync_inventory', 'resize_image', 'export_report', 'reindex_product'];
export const CRON_JOBS = ['cleanup-expired-carts', 'nightly-report', 'rotate-logs', 'refresh-exchange-rates', 'recompute-bestsellers'];
export const SERVICE_NAMES = ['orders-db', 'payment-service', 'inventory-service', 'search-service', 'auth-service', 'recommendation-service'];
export const WAREHOUSES = ['fra-1', 'ams-2', 'dub-1', 'waw-3'];
export const CURRENCIES = ['USD', 'EUR', 'GBP'];
