import type { Random } from '../random';

/**
 * The shape rule of shapePattern.ts written a second, independent way (regular expressions over
 * the text), for tests to hold the fast code to: digits `1` (a `0` before `x`/`X` stays), hex
 * spans NUL, a UUID's hex characters U+0001.
 */
export function referenceShape(text: string): string {
  const codes = text.split('').map((ch, i) => (/[0-9]/.test(ch) ? (ch === '0' && /[xX]/.test(text[i + 1] ?? '') ? '0' : '1') : ch));
  if (!text.includes('://')) {
    for (let i = 0; i + 36 <= text.length; i++) {
      if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?:$|[ \-/:])/.test(text.slice(i))) continue;
      const before = text.slice(0, i);
      if (!(before === '' || /[ /]$/.test(before) || (/\w-$/.test(before) && !/blk_-$/.test(before)))) continue;
      for (let k = 0; k < 36; k++) if (text[i + k] !== '-') codes[i + k] = '\u0001';
      i += 35;
    }
    for (const m of text.matchAll(/[0-9a-fA-F]+/g)) {
      const run = m[0];
      const from = m.index;
      const to = from + run.length;
      if (!/[0-9]/.test(run) || !/[a-fA-F]/.test(run) || codes[from] === '\u0001') continue;
      if (to < text.length && !' -/:'.includes(text[to])) continue;
      const before = text.slice(0, from);
      const ownWord = before === '' || /[ /]$/.test(before);
      const glued = /\w[-_]$/.test(before) && !/blk_-?$/.test(before);
      if ((ownWord && run.length >= 6) || (glued && run.length >= 4)) codes.fill('\0', from, to);
    }
  }
  return codes.join('');
}

/** `text` with every hex span (by `referenceShape`) given other hex content (a digit and a letter), and a UUID's groups any hex; random case. */
export function otherSpans(text: string, int: (n: number) => number): string {
  const shape = referenceShape(text);
  const chars = text.split('');
  for (let i = 0; i < chars.length; ) {
    const code = shape[i];
    if (code !== '\0' && code !== '\u0001') {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && shape[j] === code) j++;
    for (;;) {
      for (let k = i; k < j; k++) chars[k] = '0123456789abcdefABCDEF'[int(22)];
      const run = chars.slice(i, j).join('');
      if (code === '\u0001' || (/[0-9]/.test(run) && /[a-fA-F]/.test(run))) break;
    }
    i = j;
  }
  return chars.join('');
}

const pick = <T>(random: Random, xs: readonly T[]) => xs[random.int(xs.length)];
const hexRun = (random: Random, n: number) => Array.from({ length: n }, () => '0123456789abcdefABCDEF'[random.int(22)]).join('');

/**
 * Pieces of adversarial messages: hex runs of every length next to everything the default rules
 * look at (signs, dots, colons, `_`, `blk_`, `://`, `0x`, dates, units, naming nouns, UUIDs, IPs,
 * words made of hex letters, numbered names).
 */
const PIECES: Array<(random: Random) => string> = [
  (random) => hexRun(random, 1 + random.int(14)),
  (random) => hexRun(random, 6 + random.int(10)),
  (random) => hexRun(random, 4),
  (random) => pick(random, [' ', ' ', ' ', '-', '_', '/', ':', '.', ',', '=', '(', ')', '+', '@', '://', '[', ';', '~', '$', '%', '  ']),
  (random) => pick(random, ['user ', 'for user ', ' ms', ' KB)', 'an12 ', 'Jul 24 12:34 ', 'x=']),
  (random) =>
    pick(random, [
      'blk',
      'blk_',
      'blk_-',
      'user',
      'user=',
      'host',
      'Jul',
      'Dec',
      'Feb',
      'Mon',
      'ms',
      'KB',
      'x',
      'job',
      'ch',
      'AM',
      'UTC',
      'com',
      'example',
      '0x',
      'T',
      'e',
      'an',
      'added',
      'deadbeef',
      'Cafe',
    ]),
  (random) =>
    pick(random, ['12:34', '12:34:56', '2005', '24', '1.2.3.4', '10.0.0.1:80', String(random.int(100000)), '2016/9/27', '2005-07-24', '-0530', '1.5']),
  (random) => `${hexRun(random, 8)}-${hexRun(random, 4)}-${hexRun(random, 4)}-${hexRun(random, 4)}-${hexRun(random, 12)}`.toLowerCase(),
];

/** A message of 2–13 such pieces: shapes with spans, UUIDs, `0x` and near misses of each. */
export function adversarialShapeMessage(random: Random): string {
  let text = '';
  for (let k = 2 + random.int(12); k > 0; k--) text += pick(random, PIECES)(random);
  return text;
}
