import { describe, expect, it } from 'vitest';
import { compileLogFormat } from '../../shared/logFormat';
import { createMasker } from '../../shared/parsing/masks';
import { messageTokens } from '../../shared/parsing/messageTokens';
import { createRandom } from '../../shared/random';
import { isPrintableAscii } from './printableAscii';
import { ShapeKernel } from '../../shared/parsing/shapeKernel';
import { quickShapeKey, shapeCodes, viewOf } from '../../shared/parsing/shapePattern';
import { FirstSightings, maskedOfLine, withContentRanges } from './contentRanges';
import { referenceShape } from '../../shared/parsing/shapeReference.fixture';

/** The shape as shapePattern.ts defines it (digits `1` but the `0` of `0x`, hex spans one class), written independently. */
const shapeOf = referenceShape;
const printable = (text: string) => /^[ -~]*$/.test(text);

const random = createRandom(41);
const alphabet = '0123456789xXab :/.-<~\t';
const randomText = (n: number) => Array.from({ length: n }, () => (random.int(60) === 0 ? 'é' : alphabet[random.int(alphabet.length)])).join('');
/** A text near `base`: a few characters changed among digits and x, so that most stay of its shape. */
function near(base: string): string {
  const chars = [...base];
  for (let k = random.int(3); k > 0 && chars.length > 0; k--) chars[random.int(chars.length)] = '0123456789xX:'[random.int(13)];
  return chars.join('');
}

describe('shapes on the reading thread', () => {
  it('hash, printable test and the shape kernel agree with the shape of the text, for random messages of every length', () => {
    const bases = Array.from({ length: 400 }, () => randomText(random.int(40)));
    const kernel = new ShapeKernel(1);
    let same = 0;
    for (let t = 0; t < 20_000; t++) {
      const a = bases[random.int(bases.length)];
      const b = random.int(4) === 0 ? bases[random.int(bases.length)] : near(a);
      // Each inside a larger buffer, with bytes around it that must not be read (`x` after a final `0`).
      const bufA = Buffer.from(`0${a}x`, 'latin1');
      const bufB = Buffer.from(`x${b}x`, 'latin1');
      expect(isPrintableAscii(bufA, viewOf(bufA), 1, 1 + a.length), a).toBe(printable(a));
      expect(isPrintableAscii(bufB, viewOf(bufB), 1, 1 + b.length), b).toBe(printable(b));
      if (!printable(a) || !printable(b)) continue;
      const sameShape = shapeOf(a) === shapeOf(b);
      kernel.clear();
      kernel.add(shapeCodes(bufA.subarray(1, 1 + a.length)));
      expect(kernel.numberOne(bufB, 1, 1 + b.length), `${a} / ${b}`).toBe(sameShape ? 0 : -1);
      if (sameShape) {
        expect(quickShapeKey(viewOf(bufB), 1, 1 + b.length)).toBe(quickShapeKey(viewOf(bufA), 1, 1 + a.length));
        same++;
      }
    }
    expect(same).toBeGreaterThan(2000);
  });

  it('FirstSightings gives one number per shape and the tokens messageTokens gives, whatever the collisions', () => {
    const bases = Array.from({ length: 300 }, () => randomText(1 + random.int(30)).replace(/[\n\r]/g, ''));
    const messages = Array.from({ length: 30_000 }, () => near(bases[random.int(bases.length)]));
    const bytes = Buffer.from(messages.join('\n'), 'latin1');
    const starts = new Int32Array(messages.length);
    const ends = new Int32Array(messages.length);
    for (let i = 0, at = 0; i < messages.length; at += messages[i].length + 1, i++) {
      starts[i] = at;
      ends[i] = at + messages[i].length;
    }
    const batch = withContentRanges({ bytes, starts, ends, count: messages.length }, compileLogFormat('<Content>'));
    const sightings = new FirstSightings();
    const masker = createMasker();
    const shapeOfNumber = new Map<number, string>();
    let numbered = 0;
    let tokenized = 0;
    // In batches of 1000, as the reading thread sends them.
    for (let from = 0; from < messages.length; from += 1000) {
      const part = {
        bytes,
        starts: batch.starts.subarray(from, from + 1000),
        ends: batch.ends.subarray(from, from + 1000),
        count: 1000,
        contentStarts: batch.contentStarts.subarray(from, from + 1000),
        contentEnds: batch.contentEnds.subarray(from, from + 1000),
      };
      const tokens = sightings.tokenize(part);
      expect(tokens.shapeGeneration).toBe(0);
      // The first lines are never tokenized here (first sightings may be rare: see FirstSightings.tokenizing).
      if (from === 0) expect(tokens.tokenText).toBe('');
      for (let i = 0; i < 1000; i++) {
        const message = part.contentStarts[i] < 0 ? '' : bytes.toString('latin1', part.contentStarts[i], part.contentEnds[i]);
        const shape = shapeOf(message);
        const masked = maskedOfLine(tokens, i);
        const id = tokens.shapeIds[i];
        if (part.contentStarts[i] < 0 || !printable(message)) {
          expect(masked).toBeUndefined();
          expect(id).toBe(-1);
          continue;
        }
        // A line is tokenized or numbered, never both. (A shape's first line may be numbered: its
        // hash may be that of a shape seen once, `0x1` and `1x1` alike; it is then not tokenized.)
        expect(masked !== undefined && id >= 0).toBe(false);
        if (masked) {
          tokenized++;
          expect(masked).toEqual(messageTokens(message, masker).masked);
        }
        if (id >= 0) {
          numbered++;
          if (!shapeOfNumber.has(id)) shapeOfNumber.set(id, shape);
          expect(shapeOfNumber.get(id), message).toBe(shape);
        }
      }
    }
    expect(numbered).toBeGreaterThan(8000);
    expect(tokenized).toBeGreaterThan(100);
  });
});
