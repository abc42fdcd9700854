import { MINUTE_MS, MINUTES_PER_DAY } from './dayClock';
import { isMalformed, type GeneratedLine } from './records';

/**
 * Per-service 1-minute windows of generated lines: the view a window detector gets, used by the
 * tests to check that every injected anomaly is visible there (and handy for eyeballing a run).
 */
export interface MinuteWindow {
  count: number;
  errors: number;
  latencies: number[];
  /** Message shapes (numbers and ids masked) seen in the window. */
  shapes: Set<string>;
}

/** Masks every token that contains a digit, roughly what a template miner's preprocessing does. */
export function messageShape(message: string): string {
  return message.replace(/\S*\d\S*/g, '<*>');
}

export function minuteWindows(lines: Iterable<GeneratedLine>, dayStartMs: number, withShapes = false): Map<string, MinuteWindow[]> {
  const out = new Map<string, MinuteWindow[]>();
  for (const line of lines) {
    if (isMalformed(line)) continue;
    const minute = Math.floor((Date.parse(line.ts) - dayStartMs) / MINUTE_MS);
    if (minute < 0 || minute >= MINUTES_PER_DAY) continue;
    let windows = out.get(line.service);
    if (!windows) {
      windows = Array.from({ length: MINUTES_PER_DAY }, () => ({ count: 0, errors: 0, latencies: [], shapes: new Set<string>() }));
      out.set(line.service, windows);
    }
    const w = windows[minute];
    w.count++;
    if (line.level === 'ERROR' || line.level === 'FATAL') w.errors++;
    if (line.latency_ms !== undefined) w.latencies.push(line.latency_ms);
    if (withShapes) w.shapes.add(messageShape(line.message));
  }
  return out;
}
