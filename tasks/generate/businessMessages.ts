import type { ServiceKind } from './messages';
import { amount, CATEGORIES, CURRENCIES, hex8, orderId, sku, traceId, userId, uuid, WAREHOUSES } from './messageParts';
import { intBetween, pick } from './sampling';

/** Shop domain services: notifications, payments, inventory, recommendations, media, shipping. */

export const notificationService: ServiceKind = {
  name: 'notification-service',
  hostPrefix: 'notify',
  hostCount: 2,
  share: 5,
  seasonality: 0.9,
  errorShare: 0.005,
  templates: [
    {
      name: 'notify.email_sent',
      level: 'INFO',
      weight: 35,
      latency: { median: 220, sigma: 0.5 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Email ${pick(rng, ['order_confirmation', 'shipping_update', 'password_reset', 'weekly_digest'])} sent to user ${rec.user_id} via smtp in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'notify.push_delivered',
      level: 'INFO',
      weight: 35,
      latency: { median: 90, sigma: 0.5 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Push notification ${uuid(rng)} delivered to ${pick(rng, ['ios', 'android'])} device of user ${rec.user_id} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'notify.sms_queued',
      level: 'INFO',
      weight: 10,
      fill(rng, rec) {
        rec.message = `SMS to +1${2_000_000_000 + rng.int(7_000_000_000)} queued with provider ${pick(rng, ['twilio', 'vonage'])}`;
      },
    },
    {
      name: 'notify.bounce',
      level: 'WARN',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Bounce received for message ${uuid(rng)}: mailbox full`;
      },
    },
  ],
  errors: [
    {
      name: 'notify.smtp_rejected',
      level: 'ERROR',
      weight: 2,
      fill(rng, rec) {
        rec.message = `SMTP relay smtp-${1 + rng.int(2)}.mail.internal:587 rejected connection: 421 too many connections`;
      },
    },
    {
      name: 'notify.push_provider_503',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.status = 503;
        rec.message = `Push provider ${pick(rng, ['apns', 'fcm'])} returned 503 for batch b-${hex8(rng)} of ${intBetween(rng, 10, 500)} messages`;
      },
    },
  ],
};

export const paymentService: ServiceKind = {
  name: 'payment-service',
  hostPrefix: 'pay',
  hostCount: 2,
  share: 5,
  seasonality: 1,
  errorShare: 0.005,
  templates: [
    {
      name: 'payment.charge_created',
      level: 'INFO',
      weight: 40,
      latency: { median: 320, sigma: 0.5 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.trace_id = traceId(rng);
        rec.message = `Charge ch_${hex8(rng)} created for order ${orderId(rng)} amount ${amount(rng)} ${pick(rng, CURRENCIES)} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'payment.fraud_check',
      level: 'DEBUG',
      weight: 35,
      latency: { median: 60, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Fraud check for order ${orderId(rng)} scored ${(rng.next() * 0.4).toFixed(3)} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'payment.refund',
      level: 'INFO',
      weight: 4,
      latency: { median: 400, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Refund re_${hex8(rng)} issued for charge ch_${hex8(rng)} amount ${amount(rng, 5, 200)} ${pick(rng, CURRENCIES)}`;
      },
    },
    {
      name: 'payment.declined',
      level: 'WARN',
      weight: 4,
      fill(rng, rec) {
        rec.status = 402;
        rec.message = `Charge ch_${hex8(rng)} declined by issuer: ${pick(rng, ['insufficient_funds', 'expired_card', 'do_not_honor'])}`;
      },
    },
  ],
  errors: [
    {
      name: 'payment.gateway_timeout',
      level: 'ERROR',
      weight: 2,
      latency: { median: 30_000, sigma: 0.02 },
      fill(rng, rec) {
        rec.status = 504;
        rec.message = `Payment gateway request for order ${orderId(rng)} timed out after ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'payment.idempotency_conflict',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.status = 409;
        rec.message = `Idempotency key ${uuid(rng)} conflict: charge already in progress for order ${orderId(rng)}`;
      },
    },
  ],
};

export const inventoryService: ServiceKind = {
  name: 'inventory-service',
  hostPrefix: 'inv',
  hostCount: 2,
  share: 4,
  seasonality: 0.9,
  errorShare: 0.005,
  templates: [
    {
      name: 'inventory.stock_level',
      level: 'DEBUG',
      weight: 35,
      latency: { median: 6, sigma: 0.6 },
      fill(rng, rec) {
        rec.message = `Stock level for ${sku(rng)} at warehouse ${pick(rng, WAREHOUSES)} is ${rng.int(900)} units (${rec.latency_ms}ms)`;
      },
    },
    {
      name: 'inventory.reserved',
      level: 'INFO',
      weight: 30,
      latency: { median: 25, sigma: 0.6 },
      fill(rng, rec) {
        rec.message = `Reserved ${intBetween(rng, 1, 4)} units of ${sku(rng)} for order ${orderId(rng)} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'inventory.released',
      level: 'INFO',
      weight: 10,
      fill(rng, rec) {
        rec.message = `Released reservation ${uuid(rng)} for order ${orderId(rng)}`;
      },
    },
    {
      name: 'inventory.low_stock',
      level: 'WARN',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Low stock: ${sku(rng)} at warehouse ${pick(rng, WAREHOUSES)} has ${intBetween(rng, 1, 9)} units left`;
      },
    },
  ],
  errors: [
    {
      name: 'inventory.lock_failure',
      level: 'ERROR',
      weight: 2,
      fill(rng, rec) {
        rec.message = `Failed to reserve ${sku(rng)} for order ${orderId(rng)}: optimistic lock failure after 3 retries`;
      },
    },
    {
      name: 'inventory.negative_stock',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Stock for ${sku(rng)} went negative (-${intBetween(rng, 1, 5)}) after concurrent reservations`;
      },
    },
  ],
};

export const recommendationService: ServiceKind = {
  name: 'recommendation-service',
  hostPrefix: 'reco',
  hostCount: 2,
  share: 4,
  seasonality: 1,
  errorShare: 0.005,
  templates: [
    {
      name: 'reco.computed',
      level: 'INFO',
      weight: 45,
      latency: { median: 70, sigma: 0.6 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Computed ${intBetween(rng, 4, 24)} recommendations for user ${rec.user_id} in ${rec.latency_ms}ms using model v${intBetween(rng, 41, 42)}`;
      },
    },
    {
      name: 'reco.feature_lookup',
      level: 'DEBUG',
      weight: 35,
      latency: { median: 8, sigma: 0.6 },
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `Feature store lookup for user ${rec.user_id} took ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'reco.cold_start',
      level: 'INFO',
      weight: 10,
      fill(rng, rec) {
        rec.user_id = userId(rng);
        rec.message = `No history for user ${rec.user_id}, serving popular items in ${pick(rng, CATEGORIES)}`;
      },
    },
  ],
  errors: [
    {
      name: 'reco.bad_tensor_shape',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Model server returned tensor of shape [${intBetween(rng, 2, 8)},${pick(rng, [64, 256])}] for user ${userId(rng)}, expected [1,128]`;
      },
    },
    {
      name: 'reco.model_unavailable',
      level: 'ERROR',
      weight: 2,
      latency: { median: 1000, sigma: 0.05 },
      fill(rng, rec) {
        rec.message = `Model server model-${1 + rng.int(3)}.ml.internal:8500 unavailable: deadline exceeded after ${rec.latency_ms}ms`;
      },
    },
  ],
};

/** Beyond the default 12 services. */
export const mediaStorage: ServiceKind = {
  name: 'media-storage',
  hostPrefix: 'media',
  hostCount: 2,
  share: 3,
  seasonality: 0.8,
  errorShare: 0.005,
  templates: [
    {
      name: 'media.uploaded',
      level: 'INFO',
      weight: 20,
      latency: { median: 180, sigma: 0.7 },
      fill(rng, rec) {
        rec.message = `Uploaded object product-images/${hex8(rng)}.jpg (${intBetween(rng, 40, 4000)} KB) in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'media.thumbnail',
      level: 'DEBUG',
      weight: 20,
      latency: { median: 45, sigma: 0.5 },
      fill(rng, rec) {
        const w = pick(rng, [128, 256, 512]);
        rec.message = `Generated thumbnail for image ${uuid(rng)} at ${w}x${w} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'media.served',
      level: 'DEBUG',
      weight: 60,
      latency: { median: 12, sigma: 0.6 },
      fill(rng, rec) {
        rec.message = `Served object product-images/${hex8(rng)}.jpg from ${pick(rng, ['memory', 'ssd', 'origin'])} in ${rec.latency_ms}ms`;
      },
    },
  ],
  errors: [
    {
      name: 'media.checksum_mismatch',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.message = `Checksum mismatch for object product-images/${hex8(rng)}.jpg: expected ${hex8(rng)} got ${hex8(rng)}`;
      },
    },
  ],
};

export const shippingService: ServiceKind = {
  name: 'shipping-service',
  hostPrefix: 'ship',
  hostCount: 2,
  share: 3,
  seasonality: 0.9,
  errorShare: 0.005,
  templates: [
    {
      name: 'shipping.created',
      level: 'INFO',
      weight: 30,
      latency: { median: 250, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Shipment sh-${100_000 + rng.int(900_000)} created for order ${orderId(rng)} via ${pick(rng, ['dhl', 'ups', 'fedex'])} in ${rec.latency_ms}ms`;
      },
    },
    {
      name: 'shipping.tracking',
      level: 'INFO',
      weight: 50,
      fill(rng, rec) {
        rec.message = `Tracking update for shipment sh-${100_000 + rng.int(900_000)}: ${pick(rng, ['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'])}`;
      },
    },
    {
      name: 'shipping.rates',
      level: 'DEBUG',
      weight: 20,
      latency: { median: 120, sigma: 0.5 },
      fill(rng, rec) {
        rec.message = `Fetched ${intBetween(rng, 2, 6)} shipping rates for order ${orderId(rng)} in ${rec.latency_ms}ms`;
      },
    },
  ],
  errors: [
    {
      name: 'shipping.carrier_error',
      level: 'ERROR',
      weight: 1,
      fill(rng, rec) {
        rec.status = 502;
        rec.message = `Carrier ${pick(rng, ['dhl', 'ups', 'fedex'])} API returned HTTP 500 for label request of shipment sh-${100_000 + rng.int(900_000)}`;
      },
    },
  ],
};
