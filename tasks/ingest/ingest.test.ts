import { describe, expect, it } from 'vitest';
import { emptyCounts, ingestLines, quarantineShare } from './ingest';
import { createLineParser } from '../../shared/records/lineParser';

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
    expect(counts).toMatchObject({ files: 1, read: 9, written: 2, quarantined: 6, blank: 1 });
    expect(counts.read).toBe(counts.written + counts.quarantined + counts.blank);
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
    const [item] = [
      ...ingestLines(
        { name: 'hdfs.log', lines: ['081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating'] },
        parse,
        counts,
      ),
    ];
    expect(item.kind).toBe('record');
    expect(item.row).toMatchObject({ ts: Date.UTC(2008, 10, 9, 20, 36, 15), level: 'INFO', service: 'dfs.DataNode$PacketResponder' });
    expect((item.row as { message: string }).message).toMatch(/^PacketResponder 1 for block/);
  });

  it('quarantines out-of-range numeric and impossible timestamps with file, line and reason', () => {
    const parse = createLineParser({ date: '2026-01-05', allowOtherDates: true });
    const lines = [
      JSON.stringify({ ts: 1e20, service: 'api', level: 'INFO', message: 'm' }),
      JSON.stringify({ ts: 8.7e15, service: 'api', level: 'INFO', message: 'm' }),
      good('2026-02-30T00:00:00Z'),
      good('2026-01-05T10:00:00Z'),
    ];
    const counts = emptyCounts();
    const items = [...ingestLines({ name: 'landing/b.jsonl', lines }, parse, counts)];
    expect(counts).toMatchObject({ read: 4, written: 1, quarantined: 3 });
    const q = items.filter((i) => i.kind === 'quarantine').map((i) => i.row as { source_file: string; source_line: number; reason: string });
    expect(q.map((r) => [r.source_file, r.source_line])).toEqual([
      ['landing/b.jsonl', 1],
      ['landing/b.jsonl', 2],
      ['landing/b.jsonl', 3],
    ]);
    expect(q[0].reason).toMatch(/timestamp 100000000000000000000 is out of range/);
    expect(q[1].reason).toMatch(/out of range/);
    expect(q[2].reason).toMatch(/unparseable timestamp "2026-02-30T00:00:00Z"/);
  });
});

describe('hostile and odd input (issue 14, item 8)', () => {
  const parse = createLineParser({ date: '2026-01-05' });
  const ok = (extra = {}) => good('2026-01-05T10:00:00Z', extra);

  it('quarantines a string field given as an object or array, naming the field and keying the reason precisely', () => {
    const counts = emptyCounts();
    const lines = [ok({ user_id: { $gt: '' } }), ok({ host: ['a', 'b'] }), ok({ user_id: 42 }), ok({ status: 999 })];
    const items = [...ingestLines({ name: 'a.jsonl', lines }, parse, counts)];
    const q = items.filter((i) => i.kind === 'quarantine').map((i) => (i.row as { reason: string }).reason);
    expect(q[0]).toMatch(/field "user_id" must be a string, got object/);
    expect(q[1]).toMatch(/field "host" must be a string, got array/);
    expect(q[2]).toMatch(/field "status"/);
    expect(items[2].row).toMatchObject({ user_id: '42' });
    expect(counts.reasons).toEqual({ 'field:user_id:type': 1, 'field:host:type': 1, 'field:status:too_big': 1 });
  });

  it('quarantines a JSON record without a level, as the contract requires', () => {
    const counts = emptyCounts();
    const [item] = [...ingestLines({ name: 'a.jsonl', lines: [JSON.stringify({ ts: '2026-01-05T10:00:00Z', service: 'api', message: 'm' })] }, parse, counts)];
    expect(item.kind).toBe('quarantine');
    expect((item.row as { reason: string }).reason).toMatch(/no level field/);
    expect(counts.reasons).toEqual({ 'level:missing': 1 });
  });

  it('quarantines a line with invalid UTF-8 at its byte offset, and counts blank lines so the counts add up to the lines read', () => {
    const counts = emptyCounts();
    const lines = [ok(), '', '   ', ok({ service: 'orders-\uFFFDdb' }), ok()];
    const items = [...ingestLines({ name: 'a.jsonl', lines, invalidUtf8: new Map([[3, 45]]) }, parse, counts)];
    expect(counts).toMatchObject({ read: 5, written: 2, quarantined: 1, blank: 2 });
    expect(counts.read).toBe(counts.written + counts.quarantined + counts.blank);
    const q = items.find((i) => i.kind === 'quarantine')!.row as { reason: string; source_line: number };
    expect(q).toMatchObject({ source_line: 4, reason: 'invalid UTF-8 at byte 45' });
    expect(counts.reasons).toEqual({ utf8: 1 });
    expect(quarantineShare(counts)).toBeCloseTo(1 / 3);
  });
});
