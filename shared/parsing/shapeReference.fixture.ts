/**
 * The shape rule of shapePattern.ts written a second, independent way (regular expressions over
 * the text), for tests to hold the fast code to: digits `1` (a `0` before `x`/`X` stays), hex
 * spans NUL.
 */
export function referenceShape(text: string): string {
  const codes = text.split('').map((ch, i) => (/[0-9]/.test(ch) ? (ch === '0' && /[xX]/.test(text[i + 1] ?? '') ? '0' : '1') : ch));
  if (!text.includes('://')) {
    for (const m of text.matchAll(/[0-9a-fA-F]+/g)) {
      const run = m[0];
      const from = m.index;
      const to = from + run.length;
      if (!/[0-9]/.test(run) || !/[a-fA-F]/.test(run)) continue;
      if (to < text.length && !' -/:'.includes(text[to])) continue;
      const before = text.slice(0, from);
      const ownWord = before === '' || /[ /]$/.test(before);
      const glued = /\w[-_]$/.test(before) && !/blk_-?$/.test(before);
      if ((ownWord && run.length >= 6) || (glued && run.length >= 4)) codes.fill('\0', from, to);
    }
  }
  return codes.join('');
}

/** `text` with every hex span (by `referenceShape`) given other hex content: a digit and a letter, random case. */
export function otherSpans(text: string, int: (n: number) => number): string {
  const shape = referenceShape(text);
  const chars = text.split('');
  for (let i = 0; i < chars.length; ) {
    if (shape[i] !== '\0') {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && shape[j] === '\0') j++;
    for (;;) {
      for (let k = i; k < j; k++) chars[k] = '0123456789abcdefABCDEF'[int(22)];
      const run = chars.slice(i, j).join('');
      if (/[0-9]/.test(run) && /[a-fA-F]/.test(run)) break;
    }
    i = j;
  }
  return chars.join('');
}
