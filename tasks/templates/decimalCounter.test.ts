import { describe, expect, it } from 'vitest';
import { DecimalCounter } from './decimalCounter';

describe('DecimalCounter', () => {
  it('writes 1, 2, 3, … as String does, through every carry', () => {
    const counter = new DecimalCounter();
    const buffer = new Uint8Array(32);
    for (let n = 1; n <= 1_200_000; n++) {
      counter.increment();
      const end = counter.writeTo(buffer, 3);
      if (n < 200 || n % 9_999 === 0 || /^(9+|10+)$/.test(String(n)))
        expect(Buffer.from(buffer.subarray(3, end)).toString('latin1'), String(n)).toBe(String(n));
      else expect(end - 3).toBe(String(n).length);
    }
  });
});
