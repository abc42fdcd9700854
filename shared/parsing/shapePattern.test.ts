import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { createMasker, DEFAULT_MASKS } from './masks';
import { messageTokens } from './messageTokens';
import { ShapeKernel } from './shapeKernel';
import { classWord, hashCode, matchesText, quickShapeKey, quickShapeKeyOfText, SPAN, shapeCodes, spansOf, viewOf } from './shapePattern';
import { adversarialShapeMessage, otherSpans, referenceShape } from './shapeReference.fixture';
import { expectAddedFromBytesAsText, expectLearnedFromBytesAsText } from './bytesMining.fixture';
import { createTemplateMiner } from './templateMiner';

const random = createRandom(91);
const pick = <T>(xs: readonly T[]) => xs[random.int(xs.length)];
const adversarialMessage = () => adversarialShapeMessage(random);

/** What the clusterer sees and where the values are, with hex characters blurred: messages of one shape must give the same. */
function structure(message: string) {
  const { tokens, masked, values } = messageTokens(message, masker);
  const blur = (s: string) => s.replace(/[0-9a-fA-F]/g, '#');
  return { lengths: tokens.map((t) => t.length), masked: masked.map(blur), values: values.map((v) => v.map((x) => x.length)) };
}

const masker = createMasker();

describe('shape pattern', () => {
  it('finds the hex spans the reference rule finds, and matches exactly the messages of its shape', () => {
    const kernel = new ShapeKernel(1);
    let spans = 0;
    let matched = 0;
    for (let t = 0; t < 5000; t++) {
      const a = adversarialMessage();
      const codes = shapeCodes(Uint16Array.from(a, (ch) => ch.charCodeAt(0)));
      expect(String.fromCharCode(...codes), a).toBe(referenceShape(a));
      if (codes.includes(SPAN)) spans++;
      const b = random.int(3) === 0 ? adversarialMessage() : otherSpans(a, (n) => random.int(n));
      const same = referenceShape(a) === referenceShape(b);
      const bytes = Buffer.from(`x${b}0x`, 'latin1');
      const printable = /^[ -~]*$/.test(a);
      expect(matchesText(codes, spansOf(codes), b), `${a} / ${b}`).toBe(same);
      if (printable) {
        kernel.clear();
        kernel.add(codes);
        expect(kernel.numberOne(bytes, 1, 1 + b.length), `${a} / ${b}`).toBe(same ? 0 : -1);
      }
      if (same) {
        matched++;
        // The hashes read every hex character as `1`: a function of the shape.
        const hashOf = (s: string) => Array.from(s, (ch) => hashCode(ch.charCodeAt(0))).join(',');
        expect(hashOf(b)).toBe(hashOf(a));
      }
    }
    expect(spans).toBeGreaterThan(1000);
    expect(matched).toBeGreaterThan(2000);
  });

  it('gives a message the same quick key as text and as bytes, and every message of its shape the same', () => {
    let printable = 0;
    for (let t = 0; t < 3000; t++) {
      const a = adversarialMessage();
      const b = otherSpans(a, (n) => random.int(n));
      if (!/^[ -~]*$/.test(a)) continue;
      printable++;
      const bytes = Buffer.from(`x${a}0x`, 'latin1');
      expect(quickShapeKeyOfText(a), a).toBe(quickShapeKey(viewOf(bytes), 1, 1 + a.length));
      if (referenceShape(a) === referenceShape(b)) expect(quickShapeKeyOfText(b), `${a} / ${b}`).toBe(quickShapeKeyOfText(a));
    }
    expect(printable).toBeGreaterThan(1000);
  });

  it('never takes a byte from 0x80 for hex in a span, whatever its low seven bits (0xb1, 0xc3 read as `1`, `C`)', () => {
    const message = 'job 4f3a9c21d8e7b650 done';
    const codes = shapeCodes(Uint16Array.from(message, (ch) => ch.charCodeAt(0)));
    const kernel = new ShapeKernel(1);
    kernel.add(codes);
    const bytes = Buffer.from(message, 'latin1');
    expect(kernel.numberOne(bytes, 0, bytes.length)).toBe(0);
    for (let at = 4; at < 20; at++)
      for (const byte of [0xb1, 0xc3, 0xe6]) {
        const odd = Buffer.from(bytes);
        odd[at] = byte;
        expect(kernel.numberOne(odd, 0, odd.length), `0x${byte.toString(16)} at ${at}`).toBe(-1);
      }
  });

  it('reads four bytes as hashCode reads each', () => {
    for (let t = 0; t < 20_000; t++) {
      const bytes = Uint8Array.from({ length: 4 }, () => 32 + random.int(95));
      const m = viewOf(bytes).getInt32(0, true);
      const expected = Array.from(bytes, hashCode);
      const word = classWord(m);
      expect([word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24], String.fromCharCode(...bytes)).toEqual(expected);
    }
  });

  it('gives messages that differ only inside hex spans the same tokens, placeholders and value positions', () => {
    let differ = 0;
    for (let t = 0; t < 40_000; t++) {
      const a = adversarialMessage();
      if (!referenceShape(a).includes('\0')) continue;
      const b = otherSpans(a, (n) => random.int(n));
      if (a !== b) differ++;
      expect(structure(b), `${a} / ${b}`).toEqual(structure(a));
    }
    expect(differ).toBeGreaterThan(3000);
  });

  it('leave templates, ids and parameters as every message tokenized anew gives them, on the text and on the bytes', () => {
    // Few bases, many variants in their spans (and digits): shapes are remembered and reused.
    const bases = Array.from({ length: 150 }, adversarialMessage).map((m) => m.replace(/\s+/g, ' ').trim());
    const lines = Array.from({ length: 6000 }, () => {
      const base = pick(bases);
      return random.int(4) === 0
        ? base
        : otherSpans(
            base.replace(/[1-9]/g, () => String(1 + random.int(9))),
            (n) => random.int(n),
          );
    });
    const reference = createTemplateMiner({ masks: DEFAULT_MASKS.map((m) => ({ ...m })) });
    const shaped = createTemplateMiner();
    expect(shaped.mine(lines)).toEqual(reference.mine(lines));
    expect(shaped.toState().drain.clusters).toEqual(reference.toState().drain.clusters);
    expect(shaped.toState().drain.aliases).toEqual(reference.toState().drain.aliases);
    // From the bytes (`templates`' learnBytes, `parse`'s addBytesTo), as from the text.
    expectLearnedFromBytesAsText(lines);
    expect(expectAddedFromBytesAsText(lines)).toBeGreaterThan(1500);
  });
});
