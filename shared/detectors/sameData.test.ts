import { describe, expect, it } from 'vitest';
import { sameData } from './sameData';

describe('sameData', () => {
  it('compares plain data deeply: objects, arrays, typed arrays of one kind, numbers by Object.is', () => {
    const model = () => ({ a: [1, 'x', null, { b: Float64Array.from([1, NaN]) }], c: Int32Array.from([3]), d: true });
    expect(sameData(model(), model())).toBe(true);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameData([1, 2], [1, 2, 3])).toBe(false);
    expect(sameData(Float64Array.from([1]), Int32Array.from([1]))).toBe(false);
    expect(sameData(Float64Array.from([1, 2]), Float64Array.from([1, 3]))).toBe(false);
    expect(sameData(0, -0)).toBe(false);
    expect(sameData(NaN, NaN)).toBe(true);
    // What JSON makes of NaN is another value: a model that went through JSON is compared as it came back.
    expect(sameData([NaN], [null])).toBe(false);
    expect(sameData({ a: [1] }, { a: { 0: 1 } })).toBe(false);
  });
});
