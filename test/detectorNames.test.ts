import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_DETECTOR_NAMES } from '../shared/detectors/registry';

describe('one detector vocabulary', () => {
  it('the DAG config lists exactly the registry detectors (the retrain form validates against it)', () => {
    const config = readFileSync(new URL('../dags/sentinel_infra/config.py', import.meta.url), 'utf8');
    const tuple = /^DETECTORS = \(([^)]*)\)/m.exec(config)?.[1] ?? '';
    const names = [...tuple.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([...ALL_DETECTOR_NAMES]);
  });
});
