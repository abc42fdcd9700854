import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../shared/db/models';
import { formatTable } from './command';

const version = (v: number, detectors: string[], validation: number): ModelVersion => ({
  name: 'sentinel',
  version: v,
  detectors,
  params: {},
  train_from: '2026-01-05',
  train_to: '2026-01-11',
  data_fingerprint: 'x',
  metrics: { validation },
  artifact_uri: '',
  stage: v === 12 ? 'production' : 'archived',
  created_at: '',
  promoted_at: null,
  note: null,
});

describe('models list table', () => {
  it('keeps every column aligned however long the detector list is', () => {
    const text = formatTable([
      version(3, ['robust_baseline'], 0.5),
      version(12, ['robust_baseline', 'isolation_forest', 'rare_templates', 'invariants', 'rare_events', 'sequence_transitions'], 0.84751),
    ]);
    const [head, a, b] = text.trimEnd().split('\n');
    expect(head).toMatch(/^name\s+version\s+stage\s+trained on\s+validation\s+detectors$/);
    // Right-aligned numbers end where their header ends; the detector list starts where its header does.
    for (const [col, value] of [
      ['version', ' 3'],
      ['validation', '0.5000'],
    ] as const)
      expect(a.indexOf(value) + value.length).toBe(head.indexOf(col) + col.length);
    expect(b.indexOf('0.8475') + 6).toBe(head.indexOf('validation') + 'validation'.length);
    expect(b.indexOf('robust_baseline,isolation_forest')).toBe(head.indexOf('detectors'));
    expect(a.indexOf('robust_baseline')).toBe(head.indexOf('detectors'));
  });
});
