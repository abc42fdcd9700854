import { describe, expect, it } from 'vitest';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { csvField, structureLines, structuredToCsv, templatesToCsv } from './structured';

const ZOOKEEPER_LINES = [
  '2015-08-01 10:12:33,418 - INFO  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxnFactory@197] - Accepted socket connection from /10.10.34.12:51922',
  '2015-08-01 10:12:33,420 - WARN  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@349] - caught end of stream exception',
  'this line is not zookeeper',
  '2015-08-01 10:12:35,002 - INFO  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxnFactory@197] - Accepted socket connection from /10.10.34.13:40111',
];

describe('structureLines', () => {
  it('gives loghub-structured rows: LineId, header fields, Content, EventId, EventTemplate', () => {
    const log = structureLines(ZOOKEEPER_LINES, 'zookeeper');
    expect(log.fields).toEqual(['Date', 'Time', 'Level', 'Node', 'Component', 'Id', 'Content']);
    expect(log.unmatchedLines).toEqual([3]);
    expect(log.rows.map((r) => r.LineId)).toEqual([1, 2, 4]);
    expect(log.rows[0]).toMatchObject({
      fields: {
        Date: '2015-08-01',
        Time: '10:12:33,418',
        Level: 'INFO',
        Node: 'NIOServerCxn.Factory',
        Id: '197',
        Content: 'Accepted socket connection from /10.10.34.12:51922',
      },
      EventTemplate: 'Accepted socket connection from <IP>',
    });
    expect(log.rows[2].EventId).toBe(log.rows[0].EventId);
    expect(log.rows[1].EventId).not.toBe(log.rows[0].EventId);
  });

  it('reports the final template on every row, also on rows mined before it generalized', () => {
    const log = structureLines(['INFO job alpha finished', 'INFO job beta finished'], '<Level> <Content>', createTemplateMiner({ wordVariantLimit: 0 }));
    expect(log.rows.map((r) => r.EventTemplate)).toEqual(['job <*> finished', 'job <*> finished']);
  });

  it('reports the final id on every row when later lines merged templates (a word variable)', () => {
    const services = ['chargen', 'daytime', 'echo', 'eklogin', 'ftp', 'klogin'];
    const log = structureLines(
      services.map((s) => `INFO removing service ${s} now`),
      '<Level> <Content>',
    );
    expect(new Set(log.rows.map((r) => r.EventId)).size).toBe(1);
    expect(log.rows[0].EventTemplate).toBe('removing service <*> now');
  });

  it('uses the miner it is given, so ids continue from saved state', () => {
    const miner = createTemplateMiner();
    const idBefore = miner.add('Accepted socket connection from /10.0.0.1:1').templateId;
    const log = structureLines(ZOOKEEPER_LINES, 'zookeeper', miner);
    expect(log.rows[0].EventId).toBe(idBefore);
  });

  it('accepts a custom format string', () => {
    const log = structureLines(['2024-03-01 12:00:00 [api] GET /v1/items 200'], '<Date> <Time> [<Service>] <Content>');
    expect(log.rows[0].fields).toEqual({ Date: '2024-03-01', Time: '12:00:00', Service: 'api', Content: 'GET /v1/items 200' });
  });
});

describe('CSV output', () => {
  it('writes loghub columns and quotes only where needed', () => {
    const log = structureLines(
      ['[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6', '[Sun Dec 04 04:47:45 2005] [notice] said "hi", then left'],
      'apache',
    );
    const csv = structuredToCsv(log);
    const [header, row1, row2, end] = csv.split('\n');
    expect(header).toBe('LineId,Time,Level,Content,EventId,EventTemplate');
    expect(row1).toBe(
      `1,Sun Dec 04 04:47:44 2005,error,mod_jk child workerEnv in error state 6,${log.rows[0].EventId},mod_jk child workerEnv in error state <NUM>`,
    );
    expect(row2).toBe(`2,Sun Dec 04 04:47:45 2005,notice,"said ""hi"", then left",${log.rows[1].EventId},"said ""hi"", then left"`);
    expect(end).toBe('');
  });

  it('summarizes templates with occurrences, in order of first appearance', () => {
    const log = structureLines(ZOOKEEPER_LINES, 'zookeeper');
    const [header, first, second] = templatesToCsv(log).trim().split('\n');
    expect(header).toBe('EventId,EventTemplate,Occurrences');
    expect(first).toBe(`${log.rows[0].EventId},Accepted socket connection from <IP>,2`);
    expect(second).toBe(`${log.rows[1].EventId},caught end of stream exception,1`);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });
});
