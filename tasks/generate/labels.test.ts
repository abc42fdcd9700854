import { describe, expect, it } from 'vitest';
import { anomalousSessionIds, labelIndex, windowOverlapsAnomaly } from './labels';

const labels = [
  { id: 'a1', type: 'volume_spike', service: 'api-gateway', start: '2026-01-05T10:00:00.000Z', end: '2026-01-05T10:05:00.000Z', description: 'x' },
  {
    id: 'a2',
    type: 'unusual_sequence',
    service: 'user-activity',
    start: '2026-01-05T12:00:00.000Z',
    end: '2026-01-05T12:10:00.000Z',
    session_ids: ['s-1', 's-2'],
    description: 'y',
  },
];
const t = (hhmm: string) => Date.parse(`2026-01-05T${hhmm}:00.000Z`);

describe('label queries', () => {
  it('windows overlap half-open intervals on the same service only', () => {
    const index = labelIndex(labels);
    expect(index.isAnomalousWindow('api-gateway', t('09:59'), t('10:00'))).toBe(false);
    expect(index.isAnomalousWindow('api-gateway', t('10:00'), t('10:01'))).toBe(true);
    expect(index.isAnomalousWindow('api-gateway', t('10:04'), t('10:05'))).toBe(true);
    expect(index.isAnomalousWindow('api-gateway', t('10:05'), t('10:06'))).toBe(false);
    expect(index.isAnomalousWindow('orders-db', t('10:00'), t('10:01'))).toBe(false);
    expect(index.overlapping('api-gateway', t('09:00'), t('11:00')).map((l) => l.id)).toEqual(['a1']);
    expect(windowOverlapsAnomaly(labels, 'api-gateway', t('10:02'), t('10:03'))).toBe(true);
    expect(windowOverlapsAnomaly(labels, 'api-gateway', t('10:05'), t('10:06'))).toBe(false);
  });

  it('knows the anomalous sessions', () => {
    const index = labelIndex(labels);
    expect(index.isAnomalousSession('s-2')).toBe(true);
    expect(index.isAnomalousSession('s-3')).toBe(false);
    expect([...anomalousSessionIds(labels)]).toEqual(['s-1', 's-2']);
  });
});
