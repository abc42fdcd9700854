import type { SessionFinding } from '../../shared/detectors/sessions/types';

/**
 * Session findings name events by template id (`count(T1718e9bd72ff) = 2`); people read templates.
 * Each id in a finding's text becomes `"template text" (id)`, and the finding lists the texts.
 */
export function withTemplateTexts(explanation: Record<string, unknown>, texts: ReadonlyMap<string, string>): Record<string, unknown> {
  const findings = explanation.findings as SessionFinding[] | undefined;
  if (!findings) return explanation;
  return {
    ...explanation,
    findings: findings.map((f) => ({
      ...f,
      text: [...new Set(f.events)].reduce((text, id) => (texts.has(id) ? text.split(id).join(`"${texts.get(id)}" (${id})`) : text), f.text),
      templates: f.events.map((id) => texts.get(id) ?? null),
    })),
  };
}
