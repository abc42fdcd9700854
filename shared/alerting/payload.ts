/** Webhook bodies: a generic JSON document, or a Slack-compatible message (incoming webhooks). */
export interface AlertForDelivery {
  id: number;
  service: string;
  anomaly_type: string;
  severity: number;
  status: string;
  first_seen: string;
  last_seen: string;
  anomaly_count: number;
  summary: string;
  reasons: string[];
}

export type PayloadFormat = 'json' | 'slack';

/**
 * `idempotencyKey` (alert id, channel, revision) is in the JSON body, not only a header, so a receiver
 * that stores bodies can drop the redelivery that follows a crash or a cut-off attempt.
 */
export function buildPayload(alert: AlertForDelivery, format: PayloadFormat, idempotencyKey: string): unknown {
  if (format === 'json') return { source: 'log-sentinel', idempotency_key: idempotencyKey, alert };
  const icon = alert.severity >= 90 ? ':rotating_light:' : alert.severity >= 75 ? ':warning:' : ':information_source:';
  return {
    text: `${icon} [log-sentinel] ${alert.summary}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${icon} *${alert.anomaly_type.replace(/_/g, ' ')}* on *${alert.service}* — severity ${alert.severity}` },
      },
      { type: 'section', text: { type: 'mrkdwn', text: alert.summary } },
      ...(alert.reasons.length ? [{ type: 'context', elements: alert.reasons.map((r) => ({ type: 'mrkdwn', text: r })) }] : []),
    ],
  };
}
