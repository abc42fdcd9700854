import { describe, expect, it } from 'vitest';
import { withTemplateTexts } from './templateTexts';

describe('withTemplateTexts', () => {
  it('puts each template text beside its id once, even when a finding names the id twice', () => {
    const explanation = {
      detectors: ['sequence_transitions'],
      findings: [{ detector: 'sequence_transitions', text: 'Ta → Ta at step 3', events: ['Ta', 'Ta'] }],
    };
    const out = withTemplateTexts(explanation, new Map([['Ta', 'User <*> logged in']])) as { findings: { text: string; templates: (string | null)[] }[] };
    expect(out.findings[0].text).toBe('"User <*> logged in" (Ta) → "User <*> logged in" (Ta) at step 3');
    expect(out.findings[0].templates).toEqual(['User <*> logged in', 'User <*> logged in']);
  });
});
