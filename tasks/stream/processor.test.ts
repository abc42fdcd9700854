import { describe, expect, it } from 'vitest';
import { sessionKeyExtractor } from '../../shared/features/sessions';
import { StreamSessions } from '../../shared/features/streamSessions';
import { StreamWindows } from '../../shared/features/streamWindows';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { createLineParser } from '../../shared/records/lineParser';
import { type IncomingRecord, StreamProcessor } from './processor';

const NOW = Date.parse('2026-03-03T12:00:00Z');
const MIN = 60_000;
const record = (offset: number, message: string): IncomingRecord => ({
  topic: 'logs',
  partition: 0,
  offset,
  value: JSON.stringify({ ts: new Date(NOW - 60_000 + offset).toISOString(), service: 'checkout', level: 'ERROR', message }),
  producedAt: NOW,
});

const processorWith = (sessions: StreamSessions, miner = createTemplateMiner(), firstSeen = new Map<string, number>(), unwritten = new Set<string>()) =>
  new StreamProcessor(
    createLineParser({ date: '2026-03-03', allowOtherDates: true }),
    miner,
    firstSeen,
    new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 30_000 }),
    sessions,
    { ms: 3_600_000, text: '1h' },
    unwritten,
  );

describe('StreamProcessor', () => {
  it('reports a new template again after the batch that found it was dropped unwritten (a rebalance)', () => {
    // What lives across rebalances (command.ts): the miner, the first sightings, the dropped batches' new templates.
    const miner = createTemplateMiner();
    const firstSeen = new Map<string, number>();
    const unwritten = new Set<string>();
    const processorOf = () => processorWith(new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN), miner, firstSeen, unwritten);
    const batch = [record(0, 'disk quota exceeded on volume data-7'), record(1, 'disk quota exceeded on volume data-7')];

    const first = processorOf().process(batch, NOW);
    expect(first.newTemplates.map((t) => t.offset)).toEqual([0]); // once per template, at its first record
    // Dropped at a rebalance (command.ts): the records come again from the committed offset.
    for (const t of first.newTemplates) unwritten.add(t.templateId);
    const again = processorOf().process(batch, NOW);
    expect(again.newTemplates.map((t) => [t.offset, t.templateId])).toEqual([[0, first.newTemplates[0].templateId]]);
    // Written this time: a third delivery finds nothing new.
    expect(processorOf().process(batch, NOW).newTemplates).toEqual([]);
  });

  it('keeps one session for a key logged on two partitions that a fetch hands over one partition at a time', () => {
    const sessions = new StreamSessions(sessionKeyExtractor('session_id'), 30 * MIN);
    const at = (partition: number, offset: number, minutes: number, service: string): IncomingRecord => ({
      topic: 'logs',
      partition,
      offset,
      value: JSON.stringify({ ts: new Date(NOW + minutes * MIN).toISOString(), service, level: 'INFO', message: 'step done', session_id: 'K' }),
      producedAt: NOW,
    });
    // Partition 0's records of K (0 and 40 min), then partition 1's (20 min): no gap over 30 min in time order.
    processorWith(sessions).process([at(0, 0, 0, 'cart'), at(0, 1, 40, 'cart'), at(1, 0, 20, 'payment')], NOW + 3 * 60 * MIN);
    const closed = sessions.close(() => NOW + 3 * 60 * MIN);
    expect(closed.map((c) => [c.row.start, c.row.end, c.row.event_count])).toEqual([[NOW, NOW + 40 * MIN, 3]]);
  });
});
