import { describe, expect, it } from 'vitest';
import { createRandom } from '../../shared/random';
import { createLineParser } from '../../shared/records/lineParser';
import { corruptRecord } from './malformed';
import { newRecord } from './records';

describe('malformed lines', () => {
  it('every kind of defect is rejected by ingest', () => {
    const rng = createRandom(9);
    const parse = createLineParser({ date: '2026-01-05' });
    const rec = newRecord('2026-01-05T13:04:05.123Z', 'api-gateway', 'api-1', 'INFO');
    rec.message = 'GET /api/v1/orders/8812 200 in 35ms from 10.1.2.3';
    rec.latency_ms = 35;
    rec.status = 200;
    expect(parse(JSON.stringify(rec)).ok).toBe(true);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const bad = corruptRecord(rng, rec, '2026-01-05');
      seen.add(bad.defect);
      expect(bad.date).toBe('2026-01-05');
      const result = parse(bad.raw);
      expect(result.ok, `${bad.defect}: ${bad.raw}`).toBe(false);
    }
    expect(seen.size).toBe(5);
  });
});
