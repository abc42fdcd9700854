/**
 * New and rare message templates per service. A template's rarity is how few training windows of
 * the service contained it: rarity = −log10((windowsWith + 0.5) / (windows + 1)), and a template the
 * service never logged in training scores `newTemplateBonus` above the rarest seen one. A window
 * scores its rarest template, damped when the template appears only once or twice (a daily cron
 * line is rare but not an incident; a new exception repeating for minutes is).
 */
import { BadInputError } from '../errors';
import type { Contribution } from './types';

export interface RareTemplatesParams {
  /** Occurrences in a window for full weight; fewer scale the rarity down linearly. Default 3. */
  fullWeightCount?: number;
  newTemplateBonus?: number;
}

export interface RareTemplatesModel {
  kind: 'rare_templates';
  fullWeightCount: number;
  newTemplateBonus: number;
  /** service → { windows, template id → windows containing it } */
  services: Record<string, { windows: number; templates: Record<string, number> }>;
}

export type TemplateCounts = ReadonlyMap<string, number>;

export function fitRareTemplates(services: readonly string[], templates: readonly TemplateCounts[], params: RareTemplatesParams = {}): RareTemplatesModel {
  if (services.length !== templates.length) throw new BadInputError('rare_templates: services and template rows differ in length');
  const out: RareTemplatesModel['services'] = {};
  templates.forEach((counts, i) => {
    const s = (out[services[i]] ??= { windows: 0, templates: {} });
    s.windows++;
    for (const t of counts.keys()) s.templates[t] = (s.templates[t] ?? 0) + 1;
  });
  return { kind: 'rare_templates', fullWeightCount: params.fullWeightCount ?? 3, newTemplateBonus: params.newTemplateBonus ?? 1, services: out };
}

function rarity(model: RareTemplatesModel, service: string, template: string): { rarity: number; seenIn: number; windows: number } {
  const s = model.services[service];
  const windows = s?.windows ?? 0;
  const seenIn = s?.templates[template] ?? 0;
  const base = -Math.log10((seenIn + 0.5) / (windows + 1));
  return { rarity: seenIn === 0 ? base + model.newTemplateBonus : base, seenIn, windows };
}

function weighted(model: RareTemplatesModel, service: string, template: string, count: number): number {
  return rarity(model, service, template).rarity * Math.min(1, count / model.fullWeightCount);
}

export function scoreRareTemplates(model: RareTemplatesModel, services: readonly string[], templates: readonly TemplateCounts[]): Float64Array {
  const out = new Float64Array(templates.length);
  templates.forEach((counts, i) => {
    let best = 0;
    for (const [t, c] of counts) best = Math.max(best, weighted(model, services[i], t, c));
    out[i] = best;
  });
  return out;
}

/** The rarest templates of a window: value = occurrences, expected = training windows containing it, z = weighted rarity. */
export function explainRareTemplates(model: RareTemplatesModel, service: string, counts: TemplateCounts, top: number): Contribution[] {
  return [...counts]
    .map(([t, c]) => ({ feature: `template:${t}`, value: c, expected: rarity(model, service, t).seenIn, z: weighted(model, service, t, c) }))
    .sort((a, b) => b.z - a.z || a.feature.localeCompare(b.feature))
    .slice(0, top);
}

export function rareTemplatesFromArtifact(artifact: unknown): RareTemplatesModel {
  const a = artifact as RareTemplatesModel;
  if (a?.kind !== 'rare_templates' || typeof a.services !== 'object') throw new BadInputError('not a rare_templates artifact');
  return a;
}
