/** New and rare templates per service (../rareTemplates) as a window detector. */
import { explainRareTemplates, fitRareTemplates, rareTemplatesFromArtifact, scoreRareTemplates, type RareTemplatesModel } from '../rareTemplates';
import type { WindowDetector } from './types';

export const rareTemplatesWindows: WindowDetector<RareTemplatesModel> = {
  name: 'rare_templates',
  // Seen in fewer than ~1.5 % of the service's training windows.
  floor: 1.8,
  persistent: false,
  columns: () => [],
  fit: async (input) => fitRareTemplates(input.matrix.service, input.templates),
  async score(model, input) {
    const scores = scoreRareTemplates(model, input.matrix.service, input.templates);
    return { scores, explain: (row, top) => explainRareTemplates(model, input.matrix.service[row], input.templates[row], Math.min(top, 3)) };
  },
  toArtifact: async (model) => model,
  fromArtifact: async (artifact) => rareTemplatesFromArtifact(artifact),
};
