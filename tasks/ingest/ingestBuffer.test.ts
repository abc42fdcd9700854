import { describe, expect, it } from 'vitest';
import type { Vector } from 'apache-arrow';
import { emptyCounts, ingestBuffer, ingestBytes, ingestLines, type BronzeRow, type IngestCounts, type QuarantineRow } from './ingest';
import { createLineReaders, type LineParserOptions } from '../../shared/records/lineParser';
import { createJsonRowWriter } from '../../shared/records/jsonRow';
import { ColumnBatchBuilder } from '../../shared/batchBuilder';
import { bronzeLogs } from '../../shared/schemas';
import { decodeChecked, readLinePieces } from '../../shared/sourceFiles';
import { createMemoryStore } from '../../shared/store/memoryStore';
import { gzipSync } from 'node:zlib';
import type { WritableBatch } from '../../shared/parquet';
import { createRandom } from '../../shared/random';
import { FIELD_ALIASES } from '../../shared/records/aliases';

/** A small part size, so that parts end in the middle of both paths' rows. */
const PART = 7;

interface Ingested {
  parts: WritableBatch[];
  quarantined: QuarantineRow[];
  counts: IngestCounts;
  /** Lines given to the JSON.parse path (parseLine). */
  parsed: number;
}

/** The lines path: every line a string, every record through parseLine (what ingest did before the byte path). */
function throughLines(bytes: Buffer, options: LineParserOptions): Ingested {
  const { parseLine } = createLineReaders(options);
  const records = new ColumnBatchBuilder<BronzeRow>(bronzeLogs, PART, 2);
  const out: Ingested = { parts: [], quarantined: [], counts: emptyCounts(), parsed: 0 };
  for (const item of ingestLines({ name: 'landing/x.jsonl', ...decodeChecked(bytes) }, parseLine, out.counts)) {
    if (item.kind === 'quarantine') out.quarantined.push(item.row);
    else {
      const full = records.push(item.row);
      if (full) out.parts.push(full);
    }
  }
  if (records.rows) out.parts.push(records.flush());
  return out;
}

function throughBytes(bytes: Buffer, options: LineParserOptions): Ingested {
  const { parseLine, parseTs, from, to } = createLineReaders(options);
  const records = new ColumnBatchBuilder<BronzeRow>(bronzeLogs, PART, 2);
  const writeJson = createJsonRowWriter(options, parseTs, records, from, to);
  const out: Ingested = { parts: [], quarantined: [], counts: emptyCounts(), parsed: 0 };
  const counted = (line: string) => {
    out.parsed++;
    return parseLine(line);
  };
  for (const item of ingestBuffer({ name: 'landing/x.jsonl', bytes }, writeJson, counted, records, out.counts)) {
    if (item.kind === 'quarantine') out.quarantined.push(item.row);
    else if (item.kind === 'part') out.parts.push(item.batch);
  }
  if (records.rows) out.parts.push(records.flush());
  return out;
}

/** The file in pieces of whole lines (readLinePieces over its gzip, small chunks), each through ingestBytes: ingest's first file. */
async function throughPieces(bytes: Buffer, options: LineParserOptions, chunkBytes: number): Promise<Ingested> {
  const { parseLine, parseTs, from, to } = createLineReaders(options);
  const records = new ColumnBatchBuilder<BronzeRow>(bronzeLogs, PART, 2);
  const writeJson = createJsonRowWriter(options, parseTs, records, from, to);
  const out: Ingested = { parts: [], quarantined: [], counts: emptyCounts(), parsed: 0 };
  const store = createMemoryStore();
  await store.put('landing/x.jsonl', gzipSync(bytes));
  for await (const piece of readLinePieces(store, 'landing/x.jsonl', chunkBytes)) {
    for (const item of ingestBytes({ name: 'landing/x.jsonl', bytes: piece, linesBefore: out.counts.read }, writeJson, parseLine, records, out.counts)) {
      if (item.kind === 'quarantine') out.quarantined.push(item.row);
      else if (item.kind === 'part') out.parts.push(item.batch);
    }
  }
  if (records.rows) out.parts.push(records.flush());
  return out;
}

/** Each part's columns as values, and their Arrow buffers byte for byte. */
function partsOf(parts: WritableBatch[]) {
  return parts.map((p) => ({
    rows: p.rows,
    columns: Object.fromEntries(
      Object.entries(p.columns as Record<string, Vector>).map(([name, v]) => {
        const d = v.data[0];
        return [
          name,
          {
            values: [...v],
            nulls: d.nullCount,
            bitmap: d.nullBitmap ? [...d.nullBitmap] : null,
            bytes: d.values ? [...new Uint8Array(d.values.buffer, d.values.byteOffset, d.values.byteLength)] : null,
          },
        ];
      }),
    ),
  }));
}

function expectSame(text: string | Buffer, options: LineParserOptions): Ingested {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const lines = throughLines(bytes, options);
  const fast = throughBytes(bytes, options);
  expect(fast.counts).toEqual(lines.counts);
  expect(fast.quarantined).toEqual(lines.quarantined);
  expect(partsOf(fast.parts)).toEqual(partsOf(lines.parts));
  return fast;
}

const rec = (fields: Record<string, unknown>) =>
  JSON.stringify({ ts: '2026-01-05T10:00:00.123Z', service: 'api-gateway', host: 'api-2', level: 'INFO', message: 'GET /x 200 in 12ms', ...fields });

/** Borderline lines: each one the byte path must write exactly as parseJsonLine would, or leave to it. */
const BORDERLINE = [
  rec({}),
  rec({ latency_ms: 225, status: 404, trace_id: '547625af9201f557', user_id: 'u-1', session_id: 's-1', label: 'anomaly' }),
  rec({ message: 'Query "headphones" matched \\ 2073 / documents\n\tin 37ms\r\b\f' }),
  rec({ message: 'caf\u00e9 \u{1F600} \u00a0 ok', service: 'svc-\u00e9' }),
  rec({ message: 'lone \ud800 surrogate' }),
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"\\u0041\\u00e9\\ud83d\\ude00"}',
  '{"ts":"2026-01-05T10:00:01.000Z","ts":"2026-01-05T11:00:01.000Z","service":"a","level":"INFO","message":"dup"}',
  '{"ts":"2026-01-05T10:00:01.000Z","x":1,"x":2,"service":"a","level":"INFO","message":"dup unknown"}',
  '{"\\u0074s":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"escaped key"}',
  rec({ ts: null, timestamp: '2026-01-05T12:00:00.000Z' }),
  rec({ service: null, app: 'from-app', message: null, msg: 'from msg' }),
  rec({ app: 'second' }),
  rec({ extra: { nested: [1, 2] } }),
  rec({ host: { a: 1 } }),
  rec({ user_id: 42, session_id: true, trace_id: false }),
  rec({ latency_ms: 1e2, status: 200.0 }),
  rec({ latency_ms: -0 }),
  rec({ latency_ms: 0.5, status: '200' }),
  rec({ latency_ms: '12' }),
  rec({ latency_ms: -1 }),
  rec({ latency_ms: null, duration_ms: 7 }),
  rec({ status: 99 }),
  rec({ status: 600 }),
  rec({ status: 200.5 }),
  rec({ latency_ms: 123456789012345680000 }),
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","latency_ms":1E400}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","latency_ms":01}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","latency_ms":1.}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","latency_ms":.5}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","latency_ms":2.5e-3,"status":2e2}',
  rec({ ts: 1767607200 }),
  rec({ ts: 1767607200123 }),
  rec({ ts: 1e20 }),
  rec({ ts: true }),
  rec({ ts: '2026-01-06T00:00:00.000Z' }),
  rec({ ts: '2026-01-04T23:59:59.999Z' }),
  rec({ ts: '2026-02-30T00:00:00.000Z' }),
  rec({ ts: '0099-01-05T10:00:00.000Z' }),
  rec({ ts: '2026-01-05T10:00:00Z' }),
  rec({ ts: '2026-01-05 10:00:00' }),
  rec({ ts: '2026-01-05T10:00:02.000Z' }),
  rec({ ts: '1767607200' }),
  rec({ ts: '2026-01-05T10:00:03.000Z' }),
  rec({ level: 'info' }),
  rec({ level: 'warning' }),
  rec({ level: '' }),
  rec({ level: undefined }),
  rec({ level: null, severity: 'ERROR' }),
  rec({ level: 3 }),
  rec({ level: ' INFO' }),
  rec({ service: 's'.repeat(200) }),
  rec({ service: 's'.repeat(201) }),
  rec({ service: '\u00e9'.repeat(101) }),
  rec({ service: '' }),
  rec({ service: undefined }),
  rec({ message: '' }),
  rec({ message: undefined }),
  '{}',
  '[]',
  '"text"',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m",}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m"} x',
  "{'ts':'2026-01-05T10:00:01.000Z'}",
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"raw\ttab"}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","ok":true,"no":false,"nil":null}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","ok":tru}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","bad":"\\x"}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"m","bad":"\\u12"}',
  '{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"unterminated}',
  '  \t {"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"leading space"}  \t ',
  '\u000b{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"vertical tab"}',
  '\u00a0{"ts":"2026-01-05T10:00:01.000Z","service":"a","level":"INFO","message":"nbsp"}',
  '{ "ts" : "2026-01-05T10:00:01.000Z" , "service" : "a" , "level" : "INFO" , "message" : "spaced" }',
  '',
  '   ',
  '\u00a0\u2003',
  'plain text without a format',
  rec({}),
];

describe('ingestBuffer (the byte path)', () => {
  it('gives ingestLines’ rows, quarantine rows and counts on borderline lines, for every option that changes parsing', () => {
    const text = `${BORDERLINE.join('\n')}\n`;
    for (const options of [
      { date: '2026-01-05' },
      { date: '2026-01-05', service: 'default-svc' },
      { date: '2026-01-05', allowOtherDates: true },
      { date: '2026-01-05', timestampFormat: 'iso' },
      { date: '2026-01-05', timestampFormat: 'yyyy-MM-dd HH:mm:ss' },
      { date: '2026-01-05', logFormat: '<Date> <Time> <Level> <Content>' },
    ]) {
      const fast = expectSame(text, options);
      expect(fast.counts.written).toBeGreaterThan(options.timestampFormat?.includes(' ') ? 0 : 10);
      expect(fast.counts.quarantined).toBeGreaterThan(10);
    }
  });

  it('reads plain generated-style records without the JSON.parse path', () => {
    const lines = Array.from({ length: 50 }, (_, i) => rec({ ts: `2026-01-05T10:00:${String(i).padStart(2, '0')}.000Z`, latency_ms: i, user_id: `u-${i}` }));
    const fast = expectSame(`${lines.join('\n')}\n`, { date: '2026-01-05' });
    expect(fast.counts.written).toBe(50);
    expect(fast.parsed).toBe(0);
  });

  it('reads every key of FIELD_ALIASES as parseJsonLine does, itself (parseJsonLine spells the keys out)', () => {
    const values: Record<keyof typeof FIELD_ALIASES, unknown> = {
      ts: '2026-01-05T10:00:00.123Z',
      level: 'WARN',
      service: 'svc-x',
      message: 'm',
      host: 'h',
      user_id: 'u',
      session_id: 's',
      trace_id: 't',
      label: 'anomaly',
      latency_ms: 12,
      status: 404,
    };
    const lines: string[] = [];
    for (const [field, aliases] of Object.entries(FIELD_ALIASES) as [keyof typeof FIELD_ALIASES, readonly string[]][]) {
      for (const alias of aliases) {
        const record: Record<string, unknown> = { ts: values.ts, level: values.level, service: values.service, message: values.message };
        delete record[field];
        lines.push(JSON.stringify({ ...record, [alias]: values[field] }));
      }
    }
    const fast = expectSame(`${lines.join('\n')}\n`, { date: '2026-01-05' });
    expect(fast.counts.written).toBe(lines.length);
    expect(fast.parsed).toBe(0);
  });

  it('splits lines as split(/\\r?\\n/) does: CRLF, a CR kept before a CR LF or at the end, no final newline, a byte order mark', () => {
    const a = rec({});
    for (const text of [`${a}\r\n${a}\r\n`, `${a}\r\r\n${a}`, `${a}\n\n\r\n${a}\r`, `\ufeff${a}\n${a}\n`, '', '\n', '\r\n', a])
      expectSame(text, { date: '2026-01-05' });
  });

  it('gives the same result as ingestLines on 3,000 randomly damaged records (seeded)', () => {
    const random = createRandom(17);
    const pieces = [
      '"',
      '\\',
      '\\"',
      '\\u00e9',
      ',',
      ':',
      '{',
      '}',
      '[',
      ' ',
      '\t',
      '\r',
      'null',
      '-',
      '.',
      'e',
      '0',
      '9',
      '\u00e9',
      'x',
      '"ts":',
      '"level":"WARN",',
    ];
    const lines: string[] = [];
    for (let n = 0; n < 3000; n++) {
      let line = rec({
        latency_ms: random.int(500),
        status: random.next() < 0.3 ? 200 + random.int(400) : undefined,
        user_id: random.next() < 0.5 ? `u-${random.int(99)}` : undefined,
      });
      const edits = random.int(3);
      for (let e = 0; e < edits; e++) {
        const at = random.int(line.length + 1);
        const cut = random.next() < 0.3 ? random.int(3) : 0;
        line = line.slice(0, at) + pieces[random.int(pieces.length)] + line.slice(at + cut);
      }
      lines.push(line);
    }
    const fast = expectSame(`${lines.join('\n')}\n`, { date: '2026-01-05' });
    expect(fast.counts.written).toBeGreaterThan(500);
    expect(fast.counts.quarantined).toBeGreaterThan(500);
    expect(fast.parsed).toBeLessThan(fast.counts.read - 500); // undamaged records take the byte path
  });

  it('reads a file in pieces (ingest’s first file) to the same rows, quarantine rows and counts as whole', async () => {
    // Borderline lines, lines that are not UTF-8 (quarantined as `utf8`, in later pieces too), a
    // 100 KB message (longer than a chunk), non-ASCII everywhere, CRLF, and enough lines for parts.
    const bad = (i: number) => Buffer.concat([Buffer.from(`{"message":"bad ${i} `), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    const chunks: Buffer[] = [];
    for (let round = 0; round < 3; round++) {
      chunks.push(Buffer.from(`${BORDERLINE.join('\n')}\n`), bad(round));
      chunks.push(Buffer.from(`${rec({ message: `long ${'é€😀x'.repeat(20_000)}` })}\r\n`));
      for (let i = 0; i < 40; i++) chunks.push(Buffer.from(`${rec({ message: `ünïcödé ${round}-${i}`, user_id: `u-${i}` })}\n`));
    }
    chunks.push(Buffer.from(rec({ message: 'last, without LF' })));
    const bytes = Buffer.concat(chunks);
    const whole = throughLines(bytes, { date: '2026-01-05' });
    expect(whole.counts.reasons.utf8).toBe(3);
    for (const chunkBytes of [64, 1_000, 16_384, 1 << 22]) {
      const pieces = await throughPieces(bytes, { date: '2026-01-05' }, chunkBytes);
      expect(pieces.counts, `chunks of ${chunkBytes}`).toEqual(whole.counts);
      expect(pieces.quarantined).toEqual(whole.quarantined);
      expect(partsOf(pieces.parts)).toEqual(partsOf(whole.parts));
      expect(pieces.counts.read).toBe(pieces.counts.written + pieces.counts.quarantined + pieces.counts.blank);
      expect(pieces.counts.files).toBe(1);
    }
  });
});
