import { describe, expect, it } from 'vitest';
import { emptyCounts, ingestLines, quarantineShare } from './ingest';
import { createLineParser } from './lineParser';

const good = (ts: string, extra = {}) => JSON.stringify({ ts, service: 'api', level: 'info', message: 'GET /x 200', latency_ms: 12, status: 200, ...extra });

describe('ingestLines', () => {
  it('writes good records and quarantines bad ones with file, line and reason; counts add up', () => {
    const parse = createLineParser({ date: '2026-01-05' });
    const lines = [
      good('2026-01-05T10:00:00Z'),
      '{"ts": "2026-01-05T10:00:01Z", "service": "api", "level": "INFO", "mess',
      good('2026-01-05T10:00:02Z', { level: 'LOUD' }),
      '',
      good('garbage-time'),
      good('2026-01-06T00:00:00Z'),
      good('2026-01-05T10:00:03Z', { status: 999 }),
      'plain text without a format',
      good('2026-01-05T23:59:59.999Z', { severity: 'warning', level: undefined }),
    ];
    const counts = emptyCounts();
    const items = [...ingestLines({ name: 'landing/a.jsonl', lines }, parse, counts)];
    const records = items.filter((i) => i.kind === 'record');
    const quarantined = items.filter((i) => i.kind === 'quarantine');
    expect(counts).toMatchObject({ files: 1, read: 8, written: 2, quarantined: 6 });
    expect(counts.read).toBe(counts.written + counts.quarantined);
    expect(quarantined.map((q) => q.row.source_line)).toEqual([2, 3, 5, 6, 7, 8]);
    const reasons = quarantined.map((q) => (q.row as { reason: string }).reason);
    expect(reasons[0]).toMatch(/not valid JSON/);
    expect(reasons[1]).toMatch(/unknown level/);
    expect(reasons[2]).toMatch(/unparseable timestamp/);
    expect(reasons[3]).toMatch(/outside partition 2026-01-05/);
    expect(reasons[4]).toMatch(/status/);
    expect(reasons[5]).toMatch(/no --log-format/);
    expect(records[1].row).toMatchObject({ level: 'WARN', source_line: 9 });
    expect(quarantineShare(counts)).toBeCloseTo(6 / 8);
  });

  it('parses text lines with a loghub format', () => {
    const parse = createLineParser({ date: '2008-11-09', logFormat: 'hdfs' });
    const counts = emptyCounts();
    const [item] = [...ingestLines({ name: 'hdfs.log', lines: ['081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating'] }, parse, counts)];
    expect(item.kind).toBe('record');
    expect(item.row).toMatchObject({ ts: Date.UTC(2008, 10, 9, 20, 36, 15), level: 'INFO', service: 'dfs.DataNode$PacketResponder' });
    expect((item.row as { message: string }).message).toMatch(/^PacketResponder 1 for block/);
  });

  it('quarantines out-of-range numeric and impossible timestamps with file, line and reason', () => {
    const parse = createLineParser({ date: '2026-01-05', allowOtherDates: true });
    const lines = [JSON.stringify({ ts: 1e20, service: 'api', level: 'INFO', message: 'm' }), JSON.stringify({ ts: 8.7e15, service: 'api', level: 'INFO', message: 'm' }), good('2026-02-30T00:00:00Z'), good('2026-01-05T10:00:00Z')];
    const counts = emptyCounts();
    const items = [...ingestLines({ name: 'landing/b.jsonl', lines }, parse, counts)];
    expect(counts).toMatchObject({ read: 4, written: 1, quarantined: 3 });
    const q = items.filter((i) => i.kind === 'quarantine').map((i) => i.row as { source_file: string; source_line: number; reason: string });
    expect(q.map((r) => [r.source_file, r.source_line])).toEqual([['landing/b.jsonl', 1], ['landing/b.jsonl', 2], ['landing/b.jsonl', 3]]);
    expect(q[0].reason).toMatch(/timestamp 100000000000000000000 is out of range/);
    expect(q[1].reason).toMatch(/out of range/);
    expect(q[2].reason).toMatch(/unparseable timestamp "2026-02-30T00:00:00Z"/);
  });
});
