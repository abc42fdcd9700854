import type { Random } from '../../shared/random';
import type { ServiceKind } from './messages';
import { amount, CATEGORIES, hex8, itemNumber, orderId, SEARCH_WORDS } from './messageParts';
import type { GeneratedRecord } from './records';
import { intBetween, pick } from './sampling';
import { SESSION_IDLE_TIMEOUT_MS, type SessionEventKind } from './sessions';

/**
 * Messages of user actions on the shop. Records carry user_id and session_id; the session's state
 * (cart size and total, the order of the checkout) makes consecutive messages consistent.
 */
export const userActivity: ServiceKind = {
  name: 'user-activity',
  hostPrefix: 'web',
  hostCount: 4,
  share: 15,
  seasonality: 1,
  errorShare: 0,
  templates: [],
  errors: [],
  sessions: true,
};

export interface SessionState {
  userId: string;
  sessionId: string;
  homeIp: string;
  /** The attacker's address, used by steps marked fromNewIp. */
  newIp: string;
  startMs: number;
  cartItems: number;
  cartTotal: number;
  cartId: string;
  orderId: string | undefined;
}

export function fillSessionEvent(rng: Random, kind: SessionEventKind, fromNewIp: boolean, state: SessionState, rec: GeneratedRecord, atMs: number): void {
  const uid = state.userId;
  const ip = fromNewIp ? state.newIp : state.homeIp;
  rec.user_id = uid;
  rec.session_id = state.sessionId;
  switch (kind) {
    case 'login':
      rec.message = `User ${uid} logged in from ${ip}`;
      break;
    case 'login_failed':
      rec.level = 'WARN';
      rec.status = 401;
      rec.message = `Login failed for user ${uid} from ${ip}: invalid password`;
      break;
    case 'password_reset':
      rec.message = `Password reset requested for user ${uid} from ${ip}`;
      break;
    case 'view':
      rec.message = `User ${uid} viewed item ${itemNumber(rng)} in category ${pick(rng, CATEGORIES)}`;
      break;
    case 'search':
      rec.message = `User ${uid} searched for ${pick(rng, SEARCH_WORDS)} and got ${rng.int(400)} results`;
      break;
    case 'add_to_cart': {
      const qty = rng.next() < 0.85 ? 1 : intBetween(rng, 2, 3);
      state.cartItems += qty;
      state.cartTotal += qty * Number(amount(rng, 3, 150));
      rec.message = `User ${uid} added item ${itemNumber(rng)} to cart (qty ${qty})`;
      break;
    }
    case 'remove_from_cart':
      state.cartItems = Math.max(0, state.cartItems - 1);
      state.cartTotal = state.cartItems === 0 ? 0 : state.cartTotal * 0.7;
      rec.message = `User ${uid} removed item ${itemNumber(rng)} from cart`;
      break;
    case 'checkout':
      state.orderId = orderId(rng);
      rec.message = `User ${uid} started checkout for cart ${state.cartId} with ${state.cartItems} items totaling ${state.cartTotal.toFixed(2)} USD`;
      break;
    case 'payment':
    case 'payment_declined': {
      // Without a checkout there is no order yet: the client invented one (the anomaly shows in the sequence).
      const order = state.orderId ?? orderId(rng);
      const total = state.cartTotal > 0 ? state.cartTotal.toFixed(2) : amount(rng);
      if (kind === 'payment') {
        rec.message = `Payment p-${hex8(rng)} authorized for order ${order} amount ${total} USD`;
        state.cartItems = 0;
        state.cartTotal = 0;
        state.orderId = undefined;
      } else {
        rec.level = 'WARN';
        rec.status = 402;
        rec.message = `Payment p-${hex8(rng)} declined for order ${order}: ${pick(rng, ['insufficient_funds', 'expired_card', 'do_not_honor'])}`;
      }
      break;
    }
    case 'logout':
      rec.message = `User ${uid} logged out after ${Math.round((atMs - state.startMs) / 1000)}s`;
      break;
    case 'session_expired':
      rec.message = `Session ${state.sessionId} expired after ${SESSION_IDLE_TIMEOUT_MS / 1000}s of inactivity`;
      break;
  }
}

const PATTERNS: readonly (readonly [SessionEventKind, RegExp])[] = [
  ['login', /^User \S+ logged in from (\S+)$/],
  ['login_failed', /^Login failed for user \S+ from (\S+): /],
  ['password_reset', /^Password reset requested for user \S+ from (\S+)$/],
  ['view', /^User \S+ viewed item /],
  ['search', /^User \S+ searched for /],
  ['add_to_cart', /^User \S+ added item /],
  ['remove_from_cart', /^User \S+ removed item /],
  ['checkout', /^User \S+ started checkout /],
  ['payment', /^Payment \S+ authorized /],
  ['payment_declined', /^Payment \S+ declined /],
  ['logout', /^User \S+ logged out /],
  ['session_expired', /^Session \S+ expired /],
];

/** Reads a user-activity message back into its event kind (and source IP for login events). */
export function parseSessionEvent(message: string): { kind: SessionEventKind; ip: string | undefined } | undefined {
  for (const [kind, re] of PATTERNS) {
    const m = re.exec(message);
    if (m) return { kind, ip: m[1] };
  }
  return undefined;
}
