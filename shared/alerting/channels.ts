import * as z from 'zod';
import type { Config } from '../config';
import { BadInputError } from '../errors';
import type { Channel } from './deliver';

const channelList = z.array(
  z.object({
    name: z.string().min(1),
    url: z.string().url(),
    format: z.enum(['json', 'slack']).default('json'),
    minSeverity: z.number().min(0).max(100).optional(),
  }),
);

/** Delivery channels from config: SENTINEL_ALERT_CHANNELS (JSON list) plus SENTINEL_WEBHOOK_URL. */
export function channelsFromConfig(config: Config): Channel[] {
  const out: Channel[] = [];
  if (config.webhookUrl) out.push({ name: 'webhook', url: config.webhookUrl, format: config.webhookFormat, minSeverity: config.alertMinSeverity });
  if (config.alertChannels) {
    let json: unknown;
    try {
      json = JSON.parse(config.alertChannels);
    } catch {
      throw new BadInputError('SENTINEL_ALERT_CHANNELS is not valid JSON: expected [{"name":"ops","url":"https://...","format":"slack","minSeverity":80}]');
    }
    const parsed = channelList.safeParse(json);
    if (!parsed.success) throw new BadInputError(`SENTINEL_ALERT_CHANNELS: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    for (const c of parsed.data) out.push({ name: c.name, url: c.url, format: c.format, minSeverity: c.minSeverity ?? config.alertMinSeverity });
  }
  return out;
}
