import type { Random } from '../../shared/random';
import { createRandom } from '../../shared/random';
import { intBetween, logNormal } from './sampling';

/**
 * The grammar of a user session on the shop, as steps with the time since the previous step.
 * Normal sessions: [a failed login or two, maybe a password reset] → login → browse (view, search,
 * add/remove to cart) → [checkout → (declined → retry)? payment] → logout | expiry | silent
 * abandonment. Unusual sessions break that order in ways a sequence model should notice.
 */
export const SESSION_EVENT_KINDS = [
  'login',
  'login_failed',
  'password_reset',
  'view',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'checkout',
  'payment',
  'payment_declined',
  'logout',
  'session_expired',
] as const;
export type SessionEventKind = (typeof SESSION_EVENT_KINDS)[number];

export interface SessionStep {
  kind: SessionEventKind;
  /** Milliseconds since the previous step (0 for the first). */
  gapMs: number;
  /** Comes from an address the user never used before (attacks), not from the user's home IP. */
  fromNewIp: boolean;
}

export const UNUSUAL_SEQUENCES = ['payment_without_checkout', 'credential_stuffing', 'actions_after_logout', 'checkout_with_empty_cart'] as const;
export type UnusualSequence = (typeof UNUSUAL_SEQUENCES)[number];

/** Idle time after which the server expires a session (and logs it). */
export const SESSION_IDLE_TIMEOUT_MS = 1_800_000;

/** Human think time between clicks: median 15 s, long tail, capped at 5 minutes. */
function thinkTime(rng: Random): number {
  return Math.round(Math.min(300_000, Math.max(500, logNormal(rng, 15_000, 0.8))));
}

/** Scripts click fast. */
function botTime(rng: Random, maxSeconds: number): number {
  return 300 + rng.int(maxSeconds * 1000);
}

export function normalSession(rng: Random): SessionStep[] {
  const steps: SessionStep[] = [];
  const add = (kind: SessionEventKind, gapMs: number) => steps.push({ kind, gapMs: steps.length === 0 ? 0 : gapMs, fromNewIp: false });
  // A mistyped password now and then; a forgotten one more rarely.
  if (rng.next() < 0.05) {
    const failures = intBetween(rng, 1, 2);
    for (let i = 0; i < failures; i++) add('login_failed', botTime(rng, 8));
    if (rng.next() < 0.3) add('password_reset', thinkTime(rng));
  }
  add('login', thinkTime(rng));
  // Browsing length: geometric with mean about 6 page events.
  let cart = 0;
  const browse = 1 + Math.min(30, Math.floor(Math.log(1 - rng.next()) / Math.log(0.83)));
  for (let i = 0; i < browse; i++) {
    const r = rng.next();
    if (cart > 0 && r < 0.05) {
      add('remove_from_cart', thinkTime(rng));
      cart--;
    } else if (r < 0.3 && i > 0) {
      add('add_to_cart', thinkTime(rng));
      cart++;
    } else if (r < 0.45) add('search', thinkTime(rng));
    else add('view', thinkTime(rng));
  }
  if (cart > 0 && rng.next() < 0.65) {
    add('checkout', thinkTime(rng));
    if (rng.next() < 0.08) {
      add('payment_declined', thinkTime(rng));
      if (rng.next() < 0.7) add('payment', thinkTime(rng));
    } else add('payment', thinkTime(rng));
  }
  const end = rng.next();
  if (end < 0.6) add('logout', thinkTime(rng));
  else if (end < 0.85) add('session_expired', SESSION_IDLE_TIMEOUT_MS);
  // else: the tab was closed; the server never hears about it.
  return steps;
}

export function unusualSession(rng: Random, variant: UnusualSequence): SessionStep[] {
  const steps: SessionStep[] = [];
  const add = (kind: SessionEventKind, fromNewIp = false, maxGapSeconds = 8) =>
    steps.push({ kind, gapMs: steps.length === 0 ? 0 : botTime(rng, maxGapSeconds), fromNewIp });
  switch (variant) {
    case 'payment_without_checkout': {
      // A client calling the payment API directly, skipping cart and checkout (e.g. replaying requests).
      add('login');
      for (let i = intBetween(rng, 1, 3); i > 0; i--) add('view');
      for (let i = intBetween(rng, 1, 3); i > 0; i--) add('payment');
      if (rng.next() < 0.5) add('logout');
      break;
    }
    case 'credential_stuffing': {
      // Many failed logins from a hosting-range address, then a reset and a successful login from there.
      for (let i = intBetween(rng, 5, 12); i > 0; i--) add('login_failed', true, 4);
      add('password_reset', true);
      add('login', true);
      for (let i = intBetween(rng, 0, 2); i > 0; i--) add('view', true);
      break;
    }
    case 'actions_after_logout': {
      // A stale session token keeps working after logout.
      add('login');
      for (let i = intBetween(rng, 1, 3); i > 0; i--) add('view');
      add('add_to_cart');
      add('logout');
      add('add_to_cart');
      add('checkout');
      add('payment');
      break;
    }
    case 'checkout_with_empty_cart': {
      add('login');
      for (let i = intBetween(rng, 0, 2); i > 0; i--) add('view');
      add('checkout');
      add('payment');
      if (rng.next() < 0.5) add('payment');
      break;
    }
  }
  return steps;
}

export interface ObservedSessionEvent {
  kind: SessionEventKind;
  /** Whether the event came from an address other than the user's home IP (only login events say). */
  fromNewIp: boolean;
}

/**
 * Why a sequence of events is not one a normal session produces, or undefined if it is plausible.
 * Prefixes of normal sessions are plausible (a session cut at midnight, or abandoned).
 */
export function sequenceViolation(events: readonly ObservedSessionEvent[]): string | undefined {
  let loggedIn = false;
  let loggedOut = false;
  let failures = 0;
  let cart = 0;
  let checkedOut = false;
  for (const [i, e] of events.entries()) {
    const at = `event ${i + 1} (${e.kind})`;
    if (loggedOut) return `${at} after logout`;
    if (e.fromNewIp) return `${at} from an address the user never used`;
    switch (e.kind) {
      case 'login_failed':
        if (loggedIn) return `${at}: failed login inside a logged-in session`;
        if (++failures > 2) return `${at}: ${failures} failed logins`;
        break;
      case 'password_reset':
        if (loggedIn) return `${at}: password reset inside a logged-in session`;
        break;
      case 'login':
        if (loggedIn) return `${at}: second login`;
        loggedIn = true;
        break;
      default:
        if (!loggedIn) return `${at} before login`;
        if (e.kind === 'add_to_cart') cart++;
        else if (e.kind === 'remove_from_cart') {
          if (cart === 0) return `${at}: removed from an empty cart`;
          cart--;
        } else if (e.kind === 'checkout') {
          if (cart === 0) return `${at}: checkout with an empty cart`;
          checkedOut = true;
        } else if (e.kind === 'payment_declined' || e.kind === 'payment') {
          if (!checkedOut) return `${at}: payment without checkout`;
          if (e.kind === 'payment') {
            checkedOut = false;
            cart = 0;
          }
        } else if (e.kind === 'logout' || e.kind === 'session_expired') loggedOut = true;
    }
  }
  return undefined;
}

/**
 * Mean events per normal session, so that the session start rate gives the service's share of
 * the volume. Estimated once from a fixed seed (deterministic, ~10 ms).
 */
export const MEAN_NORMAL_SESSION_EVENTS: number = (() => {
  const rng = createRandom(0x5e55);
  let total = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) total += normalSession(rng).length;
  return total / n;
})();
