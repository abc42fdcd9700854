import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { ShapeKernel } from './shapeKernel';
import { shapeCodes } from './shapePattern';
import { adversarialShapeMessage, otherSpans, referenceShape } from './shapeReference.fixture';

const random = createRandom(116);
const codesOf = (text: string) => shapeCodes(Uint16Array.from(text, (ch) => ch.charCodeAt(0)));
const isPrintable = (text: string) => /^[ -~]*$/.test(text);

/** The lines as one buffer, each after a byte of noise (a line's neighbours are read past its end), with their starts and ends. */
function batchOf(lines: string[]) {
  const starts = new Int32Array(lines.length);
  const ends = new Int32Array(lines.length);
  let text = '';
  lines.forEach((line, i) => {
    text += String.fromCharCode(random.int(256));
    starts[i] = text.length;
    text += line;
    ends[i] = text.length;
  });
  return { bytes: Buffer.from(text, 'latin1'), starts, ends };
}

/** `message` with one byte changed: a digit for another, a byte from 0x80, a letter, or a `0` before an `x`. */
function mutated(message: string): string {
  if (message.length === 0) return message;
  const at = random.int(message.length);
  const byte = [String(random.int(10)), String.fromCharCode(0x80 + random.int(128)), 'q', 'A', '0'][random.int(5)];
  return message.slice(0, at) + byte + message.slice(at + 1);
}

describe('the message shape kernel', () => {
  it('numbers a line with the shape the rule gives it (shapePattern.ts, written again in shapeReference.fixture.ts), or -1', () => {
    const kernel = new ShapeKernel(5000);
    const numberOf = new Map<string, number>();
    const known: string[] = [];
    while (known.length < 800) {
      const message = adversarialShapeMessage(random);
      const shape = referenceShape(message);
      if (!isPrintable(message) || numberOf.has(shape)) continue;
      const codes = codesOf(message);
      numberOf.set(shape, kernel.add(codes));
      known.push(message);
    }
    expect([...numberOf.values()]).toEqual(known.map((_, i) => i));
    const lines = Array.from({ length: 6000 }, () => {
      const base = known[random.int(known.length)];
      return [otherSpans(base, (n) => random.int(n)), mutated(base), adversarialShapeMessage(random), base.replace(/\d/g, () => String(random.int(10)))][
        random.int(4)
      ];
    });
    const { bytes, starts, ends } = batchOf(lines);
    const out = new Int32Array(lines.length);
    const found = kernel.numberLines(bytes, starts, ends, 0, lines.length, out);
    let numbered = 0;
    lines.forEach((line, i) => {
      const expected = isPrintable(line) ? (numberOf.get(referenceShape(line)) ?? -1) : -1;
      expect(out[i], JSON.stringify(line)).toBe(expected);
      if (expected >= 0) numbered++;
    });
    expect(found).toBe(numbered);
    expect(numbered).toBeGreaterThan(2000);
    expect(lines.length - numbered).toBeGreaterThan(1000);
  });

  it('numbers only the lines from..to, skips a negative start, and forgets every shape on clear', () => {
    const kernel = new ShapeKernel(10);
    const codes = codesOf('took 12 ms');
    expect(kernel.add(codes)).toBe(0);
    const { bytes, starts, ends } = batchOf(['took 1 ms', 'took 34 ms', 'took 99 ms', 'took 56 ms']);
    starts[2] = -1;
    const out = new Int32Array(3).fill(7);
    expect(kernel.numberLines(bytes, starts, ends, 1, 4, out)).toBe(2);
    expect([...out]).toEqual([0, -1, 0]);
    kernel.clear();
    expect(kernel.count).toBe(0);
    kernel.numberLines(bytes, starts, ends, 1, 2, out);
    expect(out[0]).toBe(-1);
  });

  it('keeps a `0` before `x` apart from other digits, and takes empty lines and lines out of order', () => {
    const kernel = new ShapeKernel(10);
    for (const text of ['code 5x at 0x1f', '']) kernel.add(codesOf(text));
    const lines = ['code 7x at 0x9f', 'code 0x at 0x9f', 'code 7x at 1x9f', '', 'code 7X at 0x9f', 'x'];
    const { bytes, starts, ends } = batchOf(lines);
    const out = new Int32Array(lines.length);
    // Out of order: the last line first.
    const order = [5, 0, 1, 2, 3, 4];
    kernel.numberLines(
      bytes,
      Int32Array.from(order, (i) => starts[i]),
      Int32Array.from(order, (i) => ends[i]),
      0,
      order.length,
      out,
    );
    expect([...out]).toEqual([-1, 0, -1, -1, 1, -1]);
  });

  it('holds as many shapes as it was made for, long ones too (its memory grows)', () => {
    const kernel = new ShapeKernel(3000);
    const lines: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const line = `${'word '.repeat(k % 97)}shape ${'x'.repeat(k)} took 42 ms`;
      const codes = codesOf(line);
      expect(kernel.add(codes)).toBe(k);
      lines.push(line.replace('42', '17'));
    }
    const codes = codesOf('one too many');
    expect(kernel.add(codes)).toBe(-1);
    const { bytes, starts, ends } = batchOf(lines);
    const out = new Int32Array(lines.length);
    expect(kernel.numberLines(bytes, starts, ends, 0, lines.length, out)).toBe(lines.length);
    expect([...out]).toEqual(lines.map((_, k) => k));
  });
});
