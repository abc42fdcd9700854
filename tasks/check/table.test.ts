import { describe, expect, it } from 'vitest';
import { formatChecks } from './table';

describe('formatChecks', () => {
  it('aligns the columns, marks failures in capitals, and gives a skipped check no time', () => {
    expect(
      formatChecks([
        { name: 'lake', status: 'ok', detail: 'file:///lake/: wrote, read back and deleted a probe', ms: 12 },
        { name: 'database', status: 'failed', detail: 'connect ECONNREFUSED (settings: DATABASE_URL)', ms: 1500 },
        { name: 'kafka', status: 'skipped', detail: 'SENTINEL_KAFKA_BROKERS is not set', ms: 0 },
      ]),
    ).toBe(
      [
        'check     status      time  detail',
        'lake      ok         12 ms  file:///lake/: wrote, read back and deleted a probe',
        'database  FAILED   1500 ms  connect ECONNREFUSED (settings: DATABASE_URL)',
        'kafka     skipped           SENTINEL_KAFKA_BROKERS is not set',
        '',
      ].join('\n'),
    );
  });
});
