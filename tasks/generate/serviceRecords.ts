import type { Random } from '../../shared/random';
import type { MinuteEffect } from './incidentEffects';
import type { MessageTemplate } from './messages';
import { roundLatency } from './messageParts';
import type { NovelTemplate } from './novelMessages';
import { newRecord, type GeneratedRecord } from './records';
import { logNormal } from './sampling';
import type { Service } from './services';

/** Share of an error burst's errors that are its dominant error; the rest are the service's other errors. */
const DOMINANT_ERROR_SHARE = 0.75;

/** One record of a (non-session) service's own traffic, under the minute's anomaly effect if any. */
export function serviceRecord(rng: Random, service: Service, ts: string, effect: MinuteEffect | undefined): GeneratedRecord {
  const errorShare = effect?.errorShare ?? service.kind.errorShare;
  let template: MessageTemplate;
  if (service.errors && rng.next() < errorShare) {
    template = effect?.dominantError && rng.next() < DOMINANT_ERROR_SHARE ? effect.dominantError : service.errors.pick(rng);
  } else {
    template = service.templates!.pick(rng);
  }
  const rec = newRecord(ts, service.name, service.hosts[rng.int(service.hosts.length)], template.level);
  if (template.latency) {
    const scale = effect ? effect.latency : 1;
    rec.latency_ms = roundLatency(logNormal(rng, template.latency.median, template.latency.sigma) * scale);
  }
  template.fill(rng, rec);
  return rec;
}

/** One line of a new_template anomaly's message. */
export function novelRecord(rng: Random, service: Service, ts: string, novel: NovelTemplate): GeneratedRecord {
  const rec = newRecord(ts, service.name, service.hosts[rng.int(service.hosts.length)], novel.level);
  rec.message = novel.render(rng);
  return rec;
}
