import { describe, expect, it } from 'vitest';
import { normalizeTemplate, parsingMetrics } from './parsingMetrics';

describe('normalizeTemplate', () => {
  it('turns named placeholders into <*> and merges adjacent wildcards', () => {
    expect(normalizeTemplate('Received block <BLK> of size <NUM> from <IP>')).toBe('Received block <*> of size <*> from <*>');
    expect(normalizeTemplate('lifetime <*>:<*>  sec')).toBe('lifetime <*>:<*> sec');
    expect(normalizeTemplate('id <*><NUM>')).toBe('id <*>');
    expect(normalizeTemplate('took <*> <*> seconds')).toBe('took <*> seconds');
    expect(normalizeTemplate('size=<NUM>, user <*>')).toBe('size=<*>, user <*>');
  });
});

describe('parsingMetrics', () => {
  it('is 1 everywhere for a perfect parse', () => {
    const m = parsingMetrics(['a', 'a', 'b'], ['job <NUM> done', 'job <NUM> done', 'stop'], ['E1', 'E1', 'E2'], ['job <*> done', 'job <*> done', 'stop']);
    expect(m).toEqual({ ga: 1, pa: 1, fga: 1, fta: 1 });
  });

  it('separates grouping from template text: right groups, one wrong template', () => {
    // Groups are right (GA 1, FGA 1) but group b's template kept a variable as a constant.
    const m = parsingMetrics(['a', 'a', 'b'], ['job <*> done', 'job <*> done', 'user alice'], ['E1', 'E1', 'E2'], ['job <*> done', 'job <*> done', 'user <*>']);
    expect(m.ga).toBe(1);
    expect(m.fga).toBe(1);
    expect(m.pa).toBeCloseTo(2 / 3);
    // 1 correct template of 2 predicted and 2 true: P = R = 1/2.
    expect(m.fta).toBeCloseTo(0.5);
  });

  it('scores a split: FGA from correct groups over predicted and true groups', () => {
    // E1 (lines 0-2) split into a + b, E2 right. Predicted 3 groups, true 2, correct 1.
    const m = parsingMetrics(['a', 'a', 'b', 'c'], ['x <*>', 'x <*>', 'x y', 'z'], ['E1', 'E1', 'E1', 'E2'], ['x <*>', 'x <*>', 'x <*>', 'z']);
    expect(m.ga).toBeCloseTo(1 / 4);
    expect(m.pa).toBeCloseTo(3 / 4);
    const p = 1 / 3;
    const r = 1 / 2;
    expect(m.fga).toBeCloseTo((2 * p * r) / (p + r));
    expect(m.fta).toBeCloseTo((2 * p * r) / (p + r));
  });

  it('handles no lines and refuses misaligned inputs', () => {
    expect(parsingMetrics([], [], [], [])).toEqual({ ga: 1, pa: 1, fga: 1, fta: 1 });
    expect(() => parsingMetrics(['a'], [], ['E'], ['t'])).toThrow(/one predicted id/);
  });
});
