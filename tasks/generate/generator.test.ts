import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../shared/records/lineParser';
import { generateLogs, planDay } from './generator';
import { messageShape } from './minuteWindows';
import { resolveGenerateOptions } from './options';
import { isMalformed, partitionDateOf, toJsonLine, type GeneratedLine } from './records';
import { SERVICE_CATALOG } from './services';

const MONDAY = '2026-01-05';
const SATURDAY = '2026-01-10';

function digest(lines: Iterable<GeneratedLine>, onlyValid = false): string {
  const hash = createHash('sha256');
  for (const line of lines) if (!onlyValid || !isMalformed(line)) hash.update(toJsonLine(line) + '\n');
  return hash.digest('hex');
}

describe('generateLogs', () => {
  it('is deterministic: same seed and options give byte-identical lines and labels', () => {
    const a = generateLogs({ from: MONDAY, days: 2, logsPerDay: 10_000, seed: 7, malformedRate: 0.01 });
    const b = generateLogs({ from: MONDAY, days: 2, logsPerDay: 10_000, seed: 7, malformedRate: 0.01 });
    expect(digest(a.records)).toBe(digest(b.records));
    expect(JSON.stringify(a.labels)).toBe(JSON.stringify(b.labels));
    // Re-iterating regenerates the same stream.
    expect(digest(a.records)).toBe(digest(b.records));
    const c = generateLogs({ from: MONDAY, days: 2, logsPerDay: 10_000, seed: 8, malformedRate: 0.01 });
    expect(digest(c.records)).not.toBe(digest(a.records));
  });

  it('generates each day independently of the range it is part of (daily runs = one long run)', () => {
    const range = generateLogs({ from: MONDAY, days: 2, logsPerDay: 20_000, seed: 5 });
    const single = generateLogs({ from: '2026-01-06', days: 1, logsPerDay: 20_000, seed: 5 });
    expect(digest(range.days[1].lines)).toBe(digest(single.days[0].lines));
    expect(range.days[1].labels).toEqual(single.labels);
  });

  it('produces about logsPerDay records on a weekday, fewer on a weekend', () => {
    const weekday = generateLogs({ from: MONDAY, logsPerDay: 100_000, seed: 1 });
    for (const _ of weekday.records);
    expect(Math.abs(weekday.stats.records / weekday.expectedTotal - 1)).toBeLessThan(0.03);
    expect(Math.abs(weekday.stats.records / 100_000 - 1)).toBeLessThan(0.08);
    const weekend = generateLogs({ from: SATURDAY, logsPerDay: 100_000, seed: 1 });
    for (const _ of weekend.records);
    expect(weekend.stats.records / 100_000).toBeGreaterThan(0.55);
    expect(weekend.stats.records / 100_000).toBeLessThan(0.8);
  });

  it('writes sorted records inside the requested UTC dates, in the contract shape, with realistic levels', () => {
    const g = generateLogs({ from: MONDAY, days: 2, logsPerDay: 40_000, seed: 3 });
    const parse = createLineParser({ date: MONDAY, allowOtherDates: true });
    const levels: Record<string, number> = {};
    const hourly = new Array(24).fill(0);
    const shapesByService = new Map<string, Set<string>>();
    const problems: string[] = [];
    let previous = '';
    let n = 0;
    for (const line of g.records) {
      if (isMalformed(line)) throw new Error('no malformed lines unless asked');
      if (line.ts < previous) problems.push(`out of order: ${line.ts} after ${previous}`);
      previous = line.ts;
      if (!['2026-01-05', '2026-01-06'].includes(partitionDateOf(line))) problems.push(`outside the dates: ${line.ts}`);
      levels[line.level] = (levels[line.level] ?? 0) + 1;
      if (line.ts.startsWith(MONDAY)) hourly[Number(line.ts.slice(11, 13))]++;
      const shapes = shapesByService.get(line.service) ?? new Set();
      shapes.add(messageShape(line.message));
      shapesByService.set(line.service, shapes);
      // The ingest step must accept every generated record as it is.
      if (n++ % 7 === 0 && !parse(toJsonLine(line)).ok) problems.push(`ingest rejects ${toJsonLine(line)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(previous < '2026-01-07').toBe(true);
    expect(Object.keys(levels).sort()).toEqual(['DEBUG', 'ERROR', 'FATAL', 'INFO', 'WARN'].filter((l) => l !== 'FATAL' || levels.FATAL));
    const share = (level: string) => (levels[level] ?? 0) / n;
    expect(share('INFO')).toBeGreaterThan(0.45);
    expect(share('DEBUG')).toBeGreaterThan(0.1);
    expect(share('WARN')).toBeGreaterThan(0.005);
    expect(share('ERROR')).toBeGreaterThan(0.002);
    expect(share('ERROR')).toBeLessThan(0.05);
    expect(share('FATAL')).toBeLessThan(0.001);
    // Daily seasonality: the afternoon is much busier than the small hours.
    const sum = (from: number, to: number) => hourly.slice(from, to).reduce((s, v) => s + v, 0);
    expect(sum(12, 18) / sum(0, 6)).toBeGreaterThan(3);
    expect(shapesByService.size).toBe(12);
    for (const shapes of shapesByService.values()) expect(shapes.size).toBeGreaterThanOrEqual(3);
  });

  it('has 40–80 message templates over the default services', () => {
    const kinds = SERVICE_CATALOG.slice(0, 12);
    const templates = kinds.reduce((s, k) => s + k.templates.length + k.errors.length, 0);
    const sessionEvents = 12; // sessionMessages.ts: one message per session event kind
    expect(templates + sessionEvents).toBeGreaterThanOrEqual(40);
    expect(templates + sessionEvents).toBeLessThanOrEqual(80);
  });

  it('emits malformed lines only when asked, at about the requested share, without changing the records', () => {
    const clean = generateLogs({ from: MONDAY, logsPerDay: 30_000, seed: 11 });
    const dirty = generateLogs({ from: MONDAY, logsPerDay: 30_000, seed: 11, malformedRate: 0.02 });
    expect(digest(dirty.records, true)).toBe(digest(clean.records));
    expect(clean.stats.malformed).toBe(0);
    const { records, malformed } = dirty.stats;
    expect(malformed / (records + malformed)).toBeGreaterThan(0.015);
    expect(malformed / (records + malformed)).toBeLessThan(0.025);
    for (const line of dirty.records) if (isMalformed(line)) expect(line.date).toBe(MONDAY);
  });

  it('reports progress and ends with done === total', () => {
    const calls: [number, number][] = [];
    const g = generateLogs({ from: MONDAY, logsPerDay: 20_000, seed: 2 }, { onProgress: (done, total) => calls.push([done, total]), progressEvery: 5000 });
    let n = 0;
    for (const _ of g.records) n++;
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.at(-1)).toEqual([n, n]);
    for (const [done, total] of calls) expect(done).toBeLessThanOrEqual(total);
    expect(Math.abs(g.expectedTotal / n - 1)).toBeLessThan(0.05);
  });

  it('validates options', () => {
    expect(() => resolveGenerateOptions({ from: '05.01.2026' })).toThrow();
    expect(() => resolveGenerateOptions({ from: MONDAY, malformedRate: 0.9 })).toThrow();
    expect(() => resolveGenerateOptions({ from: MONDAY, anomalyTypes: ['meteor_strike' as never] })).toThrow();
    const o = resolveGenerateOptions({ from: MONDAY, days: '3', logsPerDay: '5000', seed: '9' } as never);
    expect(o).toMatchObject({ days: 3, logsPerDay: 5000, seed: 9, services: 12, anomaliesPerDay: 12, malformedRate: 0 });
    expect(planDay(MONDAY, resolveGenerateOptions({ from: MONDAY, services: 20 })).services.map((s) => s.name)).toContain('api-gateway-2');
  });
});
