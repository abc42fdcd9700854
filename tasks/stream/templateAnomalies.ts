import type { AnomalyRow } from '../../shared/db/anomalies';
import { dateOf } from '../../shared/dates';
import type { NewTemplate } from './processor';

/** The severity of a never-seen template: above the default alert threshold (60), below a window of a strong incident. */
const NEW_TEMPLATE_SEVERITY = 70;

/**
 * One row per never-seen template and service, keyed `service@templateId`: the template id is a
 * hash of the text the template was created from, so a re-delivered record writes the same row.
 */
export function newTemplateRows(
  found: readonly NewTemplate[],
  windowMs: number,
  model: { name: string; version: number } | undefined,
  topic: string,
): AnomalyRow[] {
  return found.map((t) => {
    const start = Math.floor(t.ts / windowMs) * windowMs;
    return {
      date: dateOf(t.ts),
      entity_kind: 'template',
      entity_key: `${t.service}@${t.templateId}`,
      service: t.service,
      window_start: start,
      window_end: start + windowMs,
      score: 1,
      severity: NEW_TEMPLATE_SEVERITY,
      detectors: ['new_template'],
      anomaly_type: 'new_template',
      explanation: {
        summary: `never-seen template ${t.templateId}: ${t.template.slice(0, 200)}`,
        template: t.template,
        sample_lines: [{ ts: t.ts, message: t.message.slice(0, 2000) }],
        kafka: { topic, partition: t.partition, offset: t.offset },
      },
      model_name: model?.name ?? 'none',
      model_version: model?.version ?? 0,
      source: 'stream',
    };
  });
}
