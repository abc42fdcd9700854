import { describe, expect, it } from 'vitest';
import { evaluateLineWindows, flagLines, type LabeledLine } from './lineEvaluation';

const line = (ts: number, service: string, anomalous = false): LabeledLine => ({ ts, service, anomalous });

describe('line-label evaluation', () => {
  it('flags a line only inside a flagged window of its own service', () => {
    const lines = [line(0, 'a'), line(59_999, 'a'), line(60_000, 'a'), line(30_000, 'b')].sort((x, y) => x.ts - y.ts);
    const flagged = flagLines(lines, [{ service: 'a', start: 0, end: 60_000 }]);
    expect(lines.map((l, i) => `${l.service}@${l.ts}:${flagged[i]}`)).toEqual(['a@0:true', 'b@30000:false', 'a@59999:true', 'a@60000:false']);
  });

  it('scores windows of N lines: anomalous when any line is, for truth and verdict alike', () => {
    // 3 windows of 2 lines: [normal, bad] caught, [normal, normal] falsely flagged, [bad, normal] missed.
    const lines = [line(1, 's'), line(2, 's', true), line(3, 's'), line(4, 's'), line(5, 's', true), line(6, 's')];
    const result = evaluateLineWindows(lines, [false, true, true, false, false, false], { lines: 2 });
    expect(result).toMatchObject({ windows: 3, anomalousWindows: 2, tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, windowing: '2 lines' });
  });

  it('scores windows of T seconds by timestamp', () => {
    const lines = [line(0, 's', true), line(5_000, 's'), line(12_000, 's'), line(31_000, 's', true)];
    const result = evaluateLineWindows(lines, [false, true, false, true], { seconds: 10 });
    // buckets 0 (truth, verdict), 1 (neither), 3 (truth, verdict)
    expect(result).toMatchObject({ windows: 3, anomalousWindows: 2, tp: 2, fp: 0, fn: 0, f1: 1 });
  });
});
