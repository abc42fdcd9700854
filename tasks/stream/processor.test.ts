import { describe, expect, it } from 'vitest';
import { sessionKeyExtractor } from '../../shared/features/sessions';
import { StreamSessions } from '../../shared/features/streamSessions';
import { StreamWindows } from '../../shared/features/streamWindows';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { createLineParser } from '../../shared/records/lineParser';
import { type IncomingRecord, StreamProcessor } from './processor';

const NOW = Date.parse('2026-03-03T12:00:00Z');
const record = (offset: number, message: string): IncomingRecord => ({
  topic: 'logs',
  partition: 0,
  offset,
  value: JSON.stringify({ ts: new Date(NOW - 60_000 + offset).toISOString(), service: 'checkout', level: 'ERROR', message }),
  producedAt: NOW,
});

describe('StreamProcessor', () => {
  it('reports a new template again after the batch that found it was dropped unwritten (a rebalance)', () => {
    // What lives across rebalances (command.ts): the miner, the first sightings, the dropped batches' new templates.
    const miner = createTemplateMiner();
    const firstSeen = new Map<string, number>();
    const unwritten = new Set<string>();
    const parseLine = createLineParser({ date: '2026-03-03', allowOtherDates: true });
    const processorOf = () =>
      new StreamProcessor(
        parseLine,
        miner,
        firstSeen,
        new StreamWindows({ windowSeconds: 60, allowedLatenessMs: 30_000 }),
        new StreamSessions(sessionKeyExtractor('session_id'), 30 * 60_000),
        { ms: 3_600_000, text: '1h' },
        unwritten,
      );
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
});
