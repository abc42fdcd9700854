import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../shared/quantiles';
import { dayStart } from '../../shared/dates';
import type { GeneratedLabel } from './anomalies';
import { generateLogs } from './generator';
import { homeIpOf } from './messageParts';
import { minuteWindows, type MinuteWindow } from './minuteWindows';
import { isMalformed, type GeneratedLine } from './records';
import { parseSessionEvent } from './sessionMessages';
import { sequenceViolation, type ObservedSessionEvent } from './sessions';

/**
 * Every injected anomaly must be plain to see in the 1-minute windows of its service (or, for
 * unusual_sequence, in its sessions), compared with the same service's minutes around it.
 */
const DATE = '2026-01-06';
const DAY_START = dayStart(DATE);
// 18 anomalies: three of each type.
const run = generateLogs({ from: DATE, logsPerDay: 300_000, seed: 2024, anomaliesPerDay: 18 });

function tee(lines: Iterable<GeneratedLine>, sessions: Map<string, { user: string; events: ObservedSessionEvent[]; ts: string[] }>): Iterable<GeneratedLine> {
  return {
    *[Symbol.iterator]() {
      for (const line of lines) {
        if (!isMalformed(line) && line.session_id) {
          const s = sessions.get(line.session_id) ?? { user: line.user_id!, events: [], ts: [] };
          const parsed = parseSessionEvent(line.message);
          if (!parsed) throw new Error(`unknown user-activity message: ${line.message}`);
          const fromNewIp = parsed.ip !== undefined && parsed.ip !== homeIpOf(Number(line.user_id!.slice(2)));
          s.events.push({ kind: parsed.kind, fromNewIp });
          s.ts.push(line.ts);
          sessions.set(line.session_id, s);
        }
        yield line;
      }
    },
  };
}

const sessions = new Map<string, { user: string; events: ObservedSessionEvent[]; ts: string[] }>();
const windows = minuteWindows(tee(run.records, sessions), DAY_START, true);
const minuteOf = (iso: string) => (Date.parse(iso) - DAY_START) / 60_000;
const median = (values: number[]) => quantileSorted(Float64Array.from(values).sort(), 0.5);
const p95 = (values: number[]) => quantileSorted(Float64Array.from(values).sort(), 0.95);

/** The anomaly's minutes and, as baseline, the same service's minutes within 45 min around it that no label touches. */
function split(label: GeneratedLabel): { inside: MinuteWindow[]; baseline: MinuteWindow[] } {
  const w = windows.get(label.service)!;
  const [a, b] = [minuteOf(label.start), minuteOf(label.end)];
  const busy = new Set<number>();
  for (const l of run.labels) if (l.service === label.service) for (let m = minuteOf(l.start); m < minuteOf(l.end); m++) busy.add(m);
  const baseline: MinuteWindow[] = [];
  for (let m = Math.max(0, a - 45); m < Math.min(1440, b + 45); m++) if (!busy.has(m)) baseline.push(w[m]);
  expect(baseline.length).toBeGreaterThan(30);
  return { inside: w.slice(a, b), baseline };
}

const share = (items: MinuteWindow[], pass: (w: MinuteWindow) => boolean) => items.filter(pass).length / items.length;
const labelsOf = (type: string) => run.labels.filter((l) => l.type === type);

describe('injected anomalies are visible in 1-minute windows', () => {
  it('has three of each type', () => {
    for (const type of ['volume_spike', 'error_burst', 'latency_degradation', 'new_template', 'traffic_drop', 'unusual_sequence'])
      expect(labelsOf(type)).toHaveLength(3);
  });

  it.each(labelsOf('volume_spike').map((l) => [l.id, l] as const))('volume_spike %s: counts above 3× the baseline median', (_, label) => {
    const { inside, baseline } = split(label);
    const base = median(baseline.map((w) => w.count));
    expect(median(inside.map((w) => w.count)) / base).toBeGreaterThan(3);
    expect(share(inside, (w) => w.count > 2 * base)).toBeGreaterThanOrEqual(0.9);
    expect(share(baseline, (w) => w.count > 2 * base)).toBeLessThan(0.05);
  });

  it.each(labelsOf('traffic_drop').map((l) => [l.id, l] as const))('traffic_drop %s: near silence', (_, label) => {
    const { inside, baseline } = split(label);
    const base = median(baseline.map((w) => w.count));
    const silent = (w: MinuteWindow) => w.count <= Math.max(1, 0.3 * base);
    expect(share(inside, silent)).toBeGreaterThanOrEqual(0.85);
    expect(share(baseline, silent)).toBeLessThan(0.1);
  });

  it.each(labelsOf('error_burst').map((l) => [l.id, l] as const))('error_burst %s: error rate jumps', (_, label) => {
    const { inside, baseline } = split(label);
    const rate = (ws: MinuteWindow[]) => ws.reduce((s, w) => s + w.errors, 0) / ws.reduce((s, w) => s + w.count, 0);
    expect(rate(inside)).toBeGreaterThan(0.2);
    expect(rate(baseline)).toBeLessThan(0.03);
    expect(share(inside, (w) => w.errors / w.count >= 0.1)).toBeGreaterThanOrEqual(0.8);
    expect(share(baseline, (w) => w.errors / w.count >= 0.1)).toBeLessThan(0.1);
  });

  it.each(labelsOf('latency_degradation').map((l) => [l.id, l] as const))('latency_degradation %s: median and p95 latency up', (_, label) => {
    const { inside, baseline } = split(label);
    const all = (ws: MinuteWindow[]) => ws.flatMap((w) => w.latencies);
    // Percentiles of a few samples a minute from a heavy-tailed mix are noisy; the pooled median is not.
    expect(median(all(inside)) / median(all(baseline))).toBeGreaterThan(2.5);
    expect(p95(all(inside)) / p95(all(baseline))).toBeGreaterThan(1.5);
    const baseMedian = median(all(baseline));
    expect(share(inside, (w) => median(w.latencies) > 2 * baseMedian)).toBeGreaterThanOrEqual(0.8);
  });

  it.each(labelsOf('new_template').map((l) => [l.id, l] as const))(
    'new_template %s: a message never seen outside the anomaly, in every minute of it',
    (_, label) => {
      const { inside } = split(label);
      const novelMinutes = new Set(
        labelsOf('new_template').flatMap((l) => Array.from({ length: minuteOf(l.end) - minuteOf(l.start) }, (_, i) => `${l.service}@${minuteOf(l.start) + i}`)),
      );
      const seenOutside = new Set<string>();
      for (const [service, ws] of windows) {
        ws.forEach((w, m) => {
          if (!novelMinutes.has(`${service}@${m}`)) for (const s of w.shapes) seenOutside.add(s);
        });
      }
      // The new message (its word-valued parts may give it a few shapes) shows up in every minute.
      expect(inside.every((w) => [...w.shapes].some((s) => !seenOutside.has(s)))).toBe(true);
    },
  );

  it('unusual_sequence: labeled sessions break the session grammar inside their interval; all other sessions follow it', () => {
    const labeled = new Map<string, GeneratedLabel>();
    for (const l of labelsOf('unusual_sequence')) for (const id of l.session_ids!) labeled.set(id, l);
    expect(labeled.size).toBeGreaterThanOrEqual(12);
    let normal = 0;
    for (const [id, s] of sessions) {
      const label = labeled.get(id);
      const violation = sequenceViolation(s.events);
      if (label) {
        expect(violation, id).toBeDefined();
        expect(s.ts.every((t) => t >= label.start && t < label.end)).toBe(true);
      } else {
        if (violation) throw new Error(`normal session ${id} is implausible: ${violation}: ${s.events.map((e) => e.kind).join(' ')}`);
        normal++;
      }
    }
    for (const id of labeled.keys()) expect(sessions.has(id), id).toBe(true);
    expect(normal).toBeGreaterThan(1000);
  });

  it('outside anomalies, service minute counts stay within Poisson-like noise of their neighbours', () => {
    // Guards against accidental anomalies: no unlabeled minute of a busy service is 3× its hour's median.
    const busy = new Set<string>();
    for (const l of run.labels) for (let m = minuteOf(l.start); m < minuteOf(l.end); m++) busy.add(`${l.service}@${m}`);
    for (const [service, ws] of windows) {
      if (service === 'user-activity') continue;
      for (let m = 60; m < 1440; m++) {
        if (busy.has(`${service}@${m}`)) continue;
        const around = median(ws.slice(m - 30, m + 30).map((w) => w.count));
        if (around >= 20) expect(ws[m].count, `${service} minute ${m}`).toBeLessThan(3 * around);
      }
    }
  });
});
