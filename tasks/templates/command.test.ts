import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../shared/random';
import { decodeLines } from '../../shared/sourceFiles';
import { eventsCsv, run } from './command';
import { fileLines } from './fileLines';
import { structureLines, structuredToCsv, templatesToCsv } from './structured';

const dir = mkdtempSync(path.join(tmpdir(), 'sentinel-templates-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Constructed lines across two read chunks (1 MiB each): CRLF and LF endings, a multi-byte
 * character, lines that do not fit the format, word and numeric variables, and templates that
 * generalize late (the first rows must still show the final template).
 */
function constructedLog(lines: number): string {
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const level = i % 7 === 0 ? 'WARN' : 'INFO';
    if (i % 5000 === 17) out.push('this line has no level');
    else if (i % 3 === 0) out.push(`${level}: session opened for user ${users[i % users.length]} by uid=${i % 1000}`);
    else if (i % 3 === 1) out.push(`${level}: wrote ${i * 7} bytes to /var/data/part-${i % 97}.bin in ${i % 300} ms, "ok" — naïve`);
    else out.push(`${level}: job ${i % 11 === 0 ? 'rebuild' : 'cleanup'} finished, code ${i % 4}`);
  }
  return out.map((l, i) => (i % 2 ? `${l}\r\n` : `${l}\n`)).join('');
}

async function templatesOf(file: string, extra: Record<string, unknown> = {}) {
  const out = path.join(dir, `${path.basename(file)}.${Object.keys(extra).join('-')}.csv`);
  const templatesOut = `${out}.templates.csv`;
  const summary = await run({ args: [file], logFormat: '<Level>: <Content>', out, templatesOut, ...extra });
  return { summary, csv: readFileSync(out, 'utf8'), templates: readFileSync(templatesOut, 'utf8') };
}

describe('sentinel templates FILE (streamed in two passes)', () => {
  const text = constructedLog(25_000);
  const plain = path.join(dir, 'constructed.log');
  writeFileSync(plain, text);
  const gzipped = path.join(dir, 'constructed.log.gz');
  writeFileSync(gzipped, gzipSync(Buffer.from(text)));

  it('writes what the in-memory structureLines gives for the whole file, also across read chunks', async () => {
    expect(text.length).toBeGreaterThan(1 << 20);
    const expected = structureLines(await decodeLines(readFileSync(plain)), '<Level>: <Content>');
    const { summary, csv, templates } = await templatesOf(plain);
    expect(csv).toBe(eventsCsv(expected));
    expect(templates).toBe(templatesToCsv(expected));
    expect(summary).toMatchObject({
      lines: expected.rows.length,
      unmatched: expected.unmatchedLines.length,
      templates: new Set(expected.rows.map((r) => r.EventId)).size,
    });
    expect(expected.unmatchedLines.length).toBe(5);
  });

  it('writes every header field with --full, and reads gzip by its magic bytes', async () => {
    const expected = structureLines(await decodeLines(readFileSync(plain)), '<Level>: <Content>');
    const { csv } = await templatesOf(gzipped, { full: true });
    expect(csv).toBe(structuredToCsv(expected));
  });

  it('learns from bytes what it would learn from the decoded lines: gzip, a BOM, Latin-1 bytes, Unicode spaces, CRLF', async () => {
    const random = createRandom(5);
    const parts: Buffer[] = [Buffer.from('\ufeffINFO: first line 1\n')];
    for (let i = 0; i < 30_000; i++) {
      const n = random.int(1000);
      const kind = random.int(10);
      const message =
        kind === 0
          ? Buffer.from(`user caf\xe9 ${n} logged in`, 'latin1')
          : kind === 1
            ? Buffer.from(`user café ${n} logged in\u00a0`)
            : Buffer.from(`${kind % 2 ? 'WARN' : 'INFO'}:  wrote ${n} bytes in ${n % 7}ms to blk_${n}`);
      parts.push(kind < 2 ? Buffer.concat([Buffer.from('INFO: '), message]) : message, Buffer.from(i % 3 ? '\n' : '\r\n'));
    }
    const bytes = Buffer.concat(parts);
    const file = path.join(dir, 'mixed.log.gz');
    writeFileSync(file, gzipSync(bytes));
    const lines: string[] = [];
    for await (const batch of fileLines(file)) lines.push(...batch);
    const expected = structureLines(lines, '<Level>: <Content>');
    const { csv, templates } = await templatesOf(file);
    expect(csv).toBe(eventsCsv(expected));
    expect(templates).toBe(templatesToCsv(expected));
  });

  it('leaves no partial output and no spool behind', async () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('sentinel-templates-') && f !== path.basename(dir))).toEqual([]);
  });

  it('names the file it cannot read and the format it cannot use', async () => {
    await expect(run({ args: [path.join(dir, 'missing.log')], logFormat: 'hdfs' })).rejects.toThrow(/cannot read .*missing\.log/);
    await expect(run({ args: [plain], logFormat: '<Level> <Level>' })).rejects.toThrow(/--log-format "<Level> <Level>"/);
  });
});

describe('fileLines', () => {
  it('splits like decodeLines: \\n and \\r\\n, a lone \\r stays, no line after the final newline, bad UTF-8 replaced', async () => {
    const file = path.join(dir, 'edges.log');
    const bytes = Buffer.concat([Buffer.from('a\r\nb\rc\n\nd'), Buffer.from([0xff, 0xc3]), Buffer.from('\ne\r')]);
    writeFileSync(file, bytes);
    const lines: string[] = [];
    for await (const batch of fileLines(file)) lines.push(...batch);
    expect(lines).toEqual(await decodeLines(bytes));
    expect(lines).toEqual(['a', 'b\rc', '', 'd\ufffd\ufffd', 'e\r']);
  });
});
