/**
 * Masking: before clustering, variable-looking parts of a token (numbers, IPs, ids, paths) are
 * replaced by a placeholder such as `<NUM>`, so that lines differing only there look identical to
 * Drain. Masks run on single whitespace-free tokens, which keeps token positions aligned with the
 * original line, so the masked-out values are the template's parameters without re-matching.
 *
 * Rules apply in list order and a later rule never looks inside an earlier rule's placeholder:
 * the token is kept as literal/masked segments and each rule only scans the literal ones. Order is
 * therefore "most specific first": a UUID is not three numbers, an IP is not four.
 */

export interface MaskRule {
  /** Placeholder name: the token shows `<name>`. `*` gives a plain `<*>` wildcard. */
  name: string;
  /** Regex source matched inside one whitespace-free token. Strings (not RegExp) keep configs JSON. */
  pattern: string;
  /** Regex flags besides `g` (which is always added), e.g. `i`. */
  flags?: string;
}

// Lookarounds meaning "not glued to a letter or digit": `t761` or `md5` are words, not numbers.
const START = '(?<![A-Za-z0-9])';
const END = '(?![A-Za-z0-9])';

export const DEFAULT_MASKS: readonly MaskRule[] = [
  // Canonical 8-4-4-4-12 UUIDs (request ids, instance ids).
  { name: 'UUID', pattern: `${START}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${END}`, flags: 'i' },
  // URLs before paths: the scheme's `//` would otherwise start a path.
  { name: 'URL', pattern: `${START}[A-Za-z][A-Za-z0-9+.-]*://[^\\s"'<>]+` },
  // HDFS block ids (blk_-123...): the id of the HDFS session; the `_` keeps NUM from seeing them.
  { name: 'BLK', pattern: 'blk_-?\\d+' },
  // IPv4 with optional port, also `/10.0.0.1:50010` as Java prints socket addresses.
  { name: 'IP', pattern: `/?(?<![0-9.])\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?(?![0-9]|\\.\\d)` },
  // File paths: Unix (two or more segments, or one segment under the root with a dot/digit) and Windows (C:\...).
  { name: 'PATH', pattern: `(?:[A-Za-z]:)?(?:[\\\\/][\\w.$@%+~-]+){2,}[\\\\/]?|${START}[A-Za-z]:\\\\[^\\s"'<>]*` },
  // Hex: 0x-prefixed, or runs of 6+ hex digits that mix digits and letters (hashes, object ids).
  { name: 'HEX', pattern: `${START}0[xX][0-9a-fA-F]+${END}|${START}(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{6,}${END}` },
  // Numbers: integers, decimals, signed; not inside words (so `t761`, `utf8` stay).
  { name: 'NUM', pattern: `${START}[-+]?\\d+(?:\\.\\d+)?${END}` },
];

export interface MaskedToken {
  /** The token with placeholders, e.g. `size=<NUM>`. */
  text: string;
  /** The original text behind each placeholder, in order. */
  values: string[];
}

export interface Masker {
  maskToken(token: string): MaskedToken;
}

/** Throws when a pattern does not compile or can match the empty string at every position. */
export function createMasker(rules: readonly MaskRule[] = DEFAULT_MASKS): Masker {
  const compiled = rules.map((rule) => {
    const flags = (rule.flags ?? '').replace(/g/g, '') + 'g';
    let regex: RegExp;
    try {
      regex = new RegExp(rule.pattern, flags);
    } catch (err) {
      throw new Error(`mask ${rule.name}: ${(err as Error).message}`, { cause: err });
    }
    return { placeholder: `<${rule.name}>`, regex };
  });
  if (compiled.length === 0) return { maskToken: (token) => ({ text: token, values: [] }) };

  return {
    maskToken(token) {
      // Segments: strings are literal text still open to later rules; objects are masked values.
      let segments: Array<string | { value: string; placeholder: string }> = [token];
      for (const { placeholder, regex } of compiled) {
        const next: typeof segments = [];
        for (const seg of segments) {
          if (typeof seg !== 'string') {
            next.push(seg);
            continue;
          }
          let last = 0;
          regex.lastIndex = 0;
          for (let m = regex.exec(seg); m; m = regex.exec(seg)) {
            if (m[0].length === 0) {
              regex.lastIndex++; // an empty match masks nothing; step over it
              continue;
            }
            if (m.index > last) next.push(seg.slice(last, m.index));
            next.push({ value: m[0], placeholder });
            last = m.index + m[0].length;
          }
          if (last < seg.length) next.push(last === 0 ? seg : seg.slice(last));
        }
        segments = next;
      }
      if (segments.length === 1 && typeof segments[0] === 'string') return { text: token, values: [] };
      let text = '';
      const values: string[] = [];
      for (const seg of segments) {
        if (typeof seg === 'string') text += seg;
        else {
          text += seg.placeholder;
          values.push(seg.value);
        }
      }
      return { text, values };
    },
  };
}
