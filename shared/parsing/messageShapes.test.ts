import { describe, expect, it } from 'vitest';
import { DEFAULT_MASKS, createMasker } from './masks';
import { maskedTokens, MessageShapes, type MessageShape } from './messageShapes';
import { messageTokens } from './messageTokens';
import { createTemplateMiner } from './templateMiner';
import { createRandom } from '../random';
import { expectAddedFromBytesAsText, expectLearnedFromBytesAsText } from './bytesMining.fixture';

const masker = createMasker();

/** What a message of a remembered shape gives: the tokens, masked tokens and values read at the shape's positions. */
function fromShape(shape: MessageShape, message: string) {
  const tokens: string[] = [];
  const values: string[][] = [];
  for (let k = 0; k < shape.masked.length; k++) {
    tokens.push(message.slice(shape.tokenSpans[2 * k], shape.tokenSpans[2 * k + 1]));
    const vals: string[] = [];
    for (let v = shape.valueStarts[k]; v < shape.valueStarts[k + 1]; v++) vals.push(message.slice(shape.valueSpans[2 * v], shape.valueSpans[2 * v + 1]));
    values.push(vals);
  }
  return { tokens, masked: maskedTokens(shape, message), values };
}

/** Remembers the shape of `first` (it is remembered on its second sighting) and returns what `second` gives through it. */
function throughShape(first: string, second: string) {
  const shapes = new MessageShapes();
  for (let i = 0; i < 2; i++) if (!shapes.find(first)) shapes.remember(first, messageTokens(first, masker));
  const shape = shapes.find(second);
  return shape && fromShape(shape, second);
}

/** Every digit replaced by another (a `0` before `x` stays), as messages of one shape differ. */
const otherDigits = (text: string) =>
  text.replace(/\d/g, (d, at: number) => (d === '0' && /[xX]/.test(text[at + 1] ?? '') ? '0' : String((Number(d) * 7 + 3) % 10)));

/** 3,000 of MESSAGES drawn with a seed, each changed by `vary` (given its index and a random variant 0–5). */
function randomLines(seed: number, vary: (message: string, i: number, variant: number) => string): string[] {
  const random = createRandom(seed);
  return Array.from({ length: 3000 }, (_, i) => {
    const message = MESSAGES[random.int(MESSAGES.length)];
    return vary(message, i, random.int(6));
  });
}

/** Constructed messages that exercise every rule: masks, dates, quantities, named values, joined values, kept digits. */
const MESSAGES = [
  'Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
  'PacketResponder 1 for block blk_42 terminating',
  'Accepted publickey for admin from 10.100.4.7 port 40022 ssh2',
  'connection from 192.168.1.20 () at Sun Jul 24 02:04:59 2005',
  'GET /api/v1/orders/8812 200 in 35ms from 81.238.228.180',
  'Stock level for SKU-55628 at warehouse ams-2 is 304 units (9.2ms)',
  'retry=3/5 after 0x1f and 0x2A, hash 5d41402abc4b2a76b9719d911017c592',
  'session opened for user cyrus by (uid=0) user=root',
  'proxy.cse.cuhk.edu.hk:5070 close, 1190 bytes (1.16 KB) sent, 403 bytes received, lifetime 00:02',
  'nodes an14 an15 an16 are up; x86_64 md5 v6.1.7601 took 12 ms',
  'instance 3edec1e4-9678-4a3a-a21b-a145a4ee5e61 at 2005-07-24 02:04:59,123 done',
  '',
];

describe('message shapes', () => {
  it('give a message of a remembered shape exactly what the rules give it', () => {
    for (const message of MESSAGES) {
      const other = otherDigits(message);
      expect(throughShape(message, other), message).toEqual(messageTokens(other, masker));
    }
  });

  it('are remembered on the second sighting, and not for messages that cannot have one', () => {
    const shapes = new MessageShapes();
    const message = 'PacketResponder 1 for block blk_42 terminating';
    expect(shapes.find(message)).toBeUndefined();
    expect(shapes.remember(message, messageTokens(message, masker))).toBeUndefined();
    expect(shapes.find(message)).toBeUndefined();
    expect(shapes.remember(message, messageTokens(message, masker))).toBeDefined();
    expect(shapes.find('PacketResponder 7 for block blk_93 terminating')).toBeDefined();
    // Other letters or digit counts are another shape.
    expect(shapes.find('PacketResponder 17 for block blk_93 terminating')).toBeUndefined();
    expect(shapes.find('PacketResponder 7 for block blk_93 terminated')).toBeUndefined();
    // `0x` keeps its `0`: `1x1f` is not a hex number, `0x1f` is.
    for (const [a, b] of [
      ['value 0x1f', 'value 1x1f'],
      ['value 1x1f', 'value 0x1f'],
    ]) {
      const s = new MessageShapes();
      for (let i = 0; i < 2; i++) if (!s.find(a)) s.remember(a, messageTokens(a, masker));
      expect(s.find(b), `${a} / ${b}`).toBeUndefined();
    }
    // Double spaces and `<` give no shape: tokens would not tile the message, or a `<` could read as a placeholder.
    for (const odd of ['two  spaces 1', 'less <NUM> 1', ' leading 1']) {
      const s = new MessageShapes();
      for (let i = 0; i < 3; i++) expect(s.find(odd) ?? s.remember(odd, messageTokens(odd, masker))).toBeUndefined();
    }
  });

  it('rebuild the text of kept words with digits from each message (`35ms`, `ssh2`, `<NUM>.2ms`)', () => {
    const r = throughShape('GET /x/y 200 in 35ms via ssh2 (9.2ms)', 'GET /x/y 404 in 71ms via ssh3 (4.7ms)');
    expect(r?.masked).toEqual(['GET', '<*>', 'in', '71ms', 'via', 'ssh3', '(<NUM>.7ms)']);
  });

  it('rest on the default masks treating digits alike: no pattern names a digit but the 0 of `0x`', () => {
    for (const { name, pattern } of DEFAULT_MASKS) {
      // Remove what treats digits as a class (\d, ranges 0-9, \w) and the counts of quantifiers.
      const rest = pattern
        .replace(/\\[dwDWsS]/g, '')
        .replace(/0-9/g, '')
        .replace(/\{\d+(,\d*)?\}/g, '')
        .replace(/0\[xX\]/g, '');
      expect(rest, name).not.toMatch(/\d/);
    }
  });

  it('leave mining unchanged: ids, templates, parameters and saved state as with every message tokenized anew', () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const message = MESSAGES[i % MESSAGES.length];
      lines.push(i % 3 === 0 ? message : otherDigits(i % 2 ? message : otherDigits(message)));
    }
    // Custom masks (a copy of the defaults) do not get shapes: the reference.
    const reference = createTemplateMiner({ masks: DEFAULT_MASKS.map((m) => ({ ...m })) });
    const shaped = createTemplateMiner();
    const expected = reference.mine(lines);
    expect(shaped.mine(lines)).toEqual(expected);
    expect(shaped.toState().drain.clusters).toEqual(reference.toState().drain.clusters);
    expect(shaped.toState().drain.aliases).toEqual(reference.toState().drain.aliases);
    for (const line of lines.slice(0, 50)) expect(shaped.match(line)).toEqual(reference.match(line));
    // The stream's miner: default masks with shapes turned off at run time mines the same.
    const unshaped = createTemplateMiner({}, undefined, { messageShapes: false });
    expect(unshaped.mine(lines)).toEqual(expected);
    expect(unshaped.toState()).toEqual(shaped.toState());
  });

  it('leave mining unchanged where words with digits vary: shapes that repeat a cluster skip the search only when their digits cannot change it', () => {
    // Short lines from few words, so leaves hold clusters with digits kept in a word (`ssh2`,
    // `7ms`), word variants and `<*>` at the positions where other shapes have their digits.
    const random = createRandom(7);
    const words = ['open', 'close', 'ssh2', 'port', 'done', 'in', '10.0.0.1', 'user'];
    const digitWord = () => [`${random.int(4)}ms`, `ssh${random.int(3)}`, `t${random.int(3)}x`][random.int(3)];
    const patterns = Array.from({ length: 80 }, () =>
      Array.from({ length: 3 + random.int(3) }, () => (random.int(3) === 0 ? null : words[random.int(words.length)])),
    );
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(patterns[random.int(i < 5000 ? 30 : patterns.length)].map((w) => w ?? digitWord()).join(' '));
    const reference = createTemplateMiner({ masks: DEFAULT_MASKS.map((m) => ({ ...m })) });
    const shaped = createTemplateMiner();
    expect(shaped.mine(lines)).toEqual(reference.mine(lines));
    expect(shaped.toState().drain.clusters).toEqual(reference.toState().drain.clusters);
    expect(shaped.toState().drain.aliases).toEqual(reference.toState().drain.aliases);
    // `learn` (the templates CLI) takes the same path.
    const learned = createTemplateMiner();
    const learnedReference = createTemplateMiner({ masks: DEFAULT_MASKS.map((m) => ({ ...m })) });
    expect(lines.map((line) => learned.learn(line))).toEqual(lines.map((line) => learnedReference.learn(line)));
  });

  it('are found on the bytes of a message exactly when found on its text, for printable ASCII shapes only', () => {
    const shapes = new MessageShapes();
    const known = [...MESSAGES.filter((m) => m.length > 0), 'value 1x1f and 7', 'naïve user 12', 'tab\there 3'];
    for (const m of known) for (let i = 0; i < 2; i++) if (!shapes.find(m)) shapes.remember(m, messageTokens(m, masker));
    const probes = [...known, ...known.map(otherDigits), 'value 0x1f and 7', 'PacketResponder 17 for block blk_42 terminating', 'value 1x1f and 0'];
    let found = 0;
    for (const probe of probes) {
      const text = shapes.find(probe);
      // Amid other bytes, as a line in a read chunk: the `0x` rule must not look past the message.
      const bytes = Buffer.from(`x\n${probe}\nx`);
      const fromBytes = shapes.findBytes(bytes, 2, bytes.length - 2);
      const printable = /^[ -~]*$/.test(probe);
      expect(fromBytes, probe).toBe(printable ? text : undefined);
      if (fromBytes) found++;
    }
    expect(found).toBeGreaterThan(20);
    // A Latin-1 file's bytes are invalid UTF-8 (each decodes to U+FFFD), even where they equal a shape's characters.
    const latin1 = Buffer.from('naïve user 12', 'latin1');
    expect(latin1.length).toBe('naïve user 12'.length);
    expect(shapes.find('naïve user 12')).toBeDefined();
    expect(shapes.findBytes(latin1, 0, latin1.length)).toBeUndefined();
    // `1x` ends a message: the byte after it (`x` of the next line) is not read as its `0x`.
    const s = new MessageShapes();
    for (let i = 0; i < 2; i++) if (!s.find('count 0')) s.remember('count 0', messageTokens('count 0', masker));
    const next = Buffer.from('count 0x');
    expect(s.findBytes(next, 0, 7)).toBe(s.find('count 0'));
  });

  it('leave mining unchanged when most messages are learned from their bytes (`templates`)', () => {
    const random = createRandom(11);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const message = MESSAGES[random.int(MESSAGES.length)];
      lines.push(random.int(5) === 0 ? `${message} naïve` : random.int(2) ? otherDigits(message) : message);
    }
    expect(expectLearnedFromBytesAsText(lines)).toBeGreaterThan(1000);
  });

  it('leave templates and parameters unchanged when messages are added from their bytes (`parse`)', () => {
    // Irregular spaces (normalized by the string path only), non-ASCII, JSON's escapes in parameters, other digits.
    const lines = randomLines(12, (message, i, variant) =>
      variant === 0 ? ` ${message}  naïve` : variant === 1 ? `${message} path="C:\\tmp\\x${i % 7}"` : variant === 2 ? otherDigits(message) : message,
    );
    expect(expectAddedFromBytesAsText(lines)).toBeGreaterThan(1000);
  });

  it('leave mining unchanged when a caller keeps the shapes it was given and learns with them (`templates` with shape numbers)', () => {
    const lines = randomLines(12, (message, _, variant) => (variant === 0 ? `${message} naïve` : variant % 2 ? otherDigits(message) : message));
    const reference = createTemplateMiner({ masks: DEFAULT_MASKS.map((m) => ({ ...m })) });
    const miner = createTemplateMiner();
    // The caller's own numbering of shapes: here the digit-mapped text itself.
    const kept = new Map<string, MessageShape>();
    let fromKept = 0;
    const ids = lines.map((line) => {
      const bytes = Buffer.from(`${line}\n`);
      const key = line.replace(/[0-9]/g, (d, at: number) => (d === '0' && /[xX]/.test(line[at + 1] ?? '') ? '0' : '1'));
      let shape = kept.get(key);
      if (!shape) {
        shape = miner.shapeBytes(bytes, 0, bytes.length - 1);
        if (shape) kept.set(key, shape);
      } else fromKept++;
      return shape ? miner.learnShape(shape, bytes, 0, bytes.length - 1) : miner.learn(line);
    });
    expect(ids).toEqual(lines.map((line) => reference.learn(line)));
    expect(miner.toState().drain.clusters).toEqual(reference.toState().drain.clusters);
    expect(miner.toState().drain.aliases).toEqual(reference.toState().drain.aliases);
    expect(fromKept).toBeGreaterThan(1000);
  });

  it('match on bytes as on text for random messages of digits, `0x`, `1x` and letters, whatever their length', () => {
    const random = createRandom(23);
    const alphabet = '0123456789xXab :/.-';
    const randomText = (n: number) => Array.from({ length: n }, () => alphabet[random.int(alphabet.length)]).join('');
    const shapes = new MessageShapes();
    // Single-space, tiling messages: each is remembered on its second sighting.
    const known = Array.from({ length: 300 }, () =>
      randomText(1 + random.int(24))
        .replace(/ +/g, ' ')
        .trim(),
    ).filter((m) => m.length > 0);
    for (const m of known) for (let i = 0; i < 2; i++) if (!shapes.find(m)) shapes.remember(m, messageTokens(m, masker));
    let agreed = 0;
    for (let i = 0; i < 20_000; i++) {
      const base = known[random.int(known.length)];
      // Change a few characters among digits and x: most probes stay near a remembered shape.
      const chars = [...base];
      for (let k = random.int(3); k > 0; k--) chars[random.int(chars.length)] = '0123456789xX:/;%('[random.int(17)];
      const probe = chars.join('');
      const bytes = Buffer.from(`${probe}x`);
      const expected = shapes.find(probe);
      expect(shapes.findBytes(bytes, 0, probe.length), probe).toBe(expected);
      if (expected) agreed++;
    }
    expect(agreed).toBeGreaterThan(2000);
  });
});
