import { WeightedChoice } from './sampling';
import type { MessageTemplate, ServiceKind } from './messages';
import { apiGateway, authService, ordersDb, queueWorker, redisCache, scheduler, searchService } from './platformMessages';
import { inventoryService, mediaStorage, notificationService, paymentService, recommendationService, shippingService } from './businessMessages';
import { userActivity } from './sessionMessages';

/**
 * The service catalog, in the order services are added: asking for n services takes the first n
 * (the default 12 ends with the scheduler), more than the catalog repeats it as "<name>-2", ...
 * (a second region or shard of the same application).
 */
export const SERVICE_CATALOG: readonly ServiceKind[] = [
  apiGateway,
  userActivity,
  ordersDb,
  authService,
  redisCache,
  queueWorker,
  searchService,
  notificationService,
  paymentService,
  inventoryService,
  recommendationService,
  scheduler,
  mediaStorage,
  shippingService,
];

export const DEFAULT_SERVICE_COUNT = 12;
export const MAX_SERVICE_COUNT = 64;

/** A service as the generator runs it: its kind plus precomputed choices. */
export interface Service {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly hosts: readonly string[];
  /** Share of the total volume, summing to 1 over the selected services. */
  readonly share: number;
  readonly sessions: boolean;
  /** Whether some of its messages carry latency (latency_degradation needs that). */
  readonly hasLatency: boolean;
  /** Share of its normal records that carry a latency: the samples a latency percentile gets. */
  readonly latencyShare: number;
  readonly templates: WeightedChoice<MessageTemplate> | undefined;
  readonly errors: WeightedChoice<MessageTemplate> | undefined;
}

export function selectServices(count: number): Service[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SERVICE_COUNT) {
    throw new RangeError(`services must be an integer in 1..${MAX_SERVICE_COUNT}, got ${count}`);
  }
  const kinds = Array.from({ length: count }, (_, i) => SERVICE_CATALOG[i % SERVICE_CATALOG.length]);
  const totalShare = kinds.reduce((sum, k) => sum + k.share, 0);
  return kinds.map((kind, i) => {
    const copy = Math.floor(i / SERVICE_CATALOG.length);
    const suffix = copy === 0 ? '' : `-${copy + 1}`;
    const hostPrefix = kind.hostPrefix + (copy === 0 ? '' : copy + 1);
    const all = [...kind.templates, ...kind.errors];
    return {
      name: kind.name + suffix,
      kind,
      hosts: Array.from({ length: kind.hostCount }, (_, h) => `${hostPrefix}-${h + 1}`),
      share: kind.share / totalShare,
      sessions: kind.sessions === true,
      hasLatency: all.some((t) => t.latency !== undefined),
      latencyShare: latencyShareOf(kind.templates),
      templates: kind.templates.length ? new WeightedChoice(kind.templates, (t) => t.weight) : undefined,
      errors: kind.errors.length ? new WeightedChoice(kind.errors, (t) => t.weight) : undefined,
    };
  });
}

function latencyShareOf(templates: readonly MessageTemplate[]): number {
  const total = templates.reduce((s, t) => s + t.weight, 0);
  return total === 0 ? 0 : templates.reduce((s, t) => s + (t.latency ? t.weight : 0), 0) / total;
}
