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
  /**
   * Texts of which a token must contain one for the pattern to match at all (`.` for an IPv4
   * address). Only a shortcut: tokens without any of them skip the regex.
   */
  requires?: string[];
}

// Lookarounds meaning "not glued to a letter, digit or _": `t761`, `md5`, `x86_64` are words, not numbers.
const START = '(?<![A-Za-z0-9_])';
const END = '(?![A-Za-z0-9_])';

/** Every digit, for rules that need one (`requires`). */
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** One label of a host name: letters, digits and inner dashes. */
const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';

/** Canonical 8-4-4-4-12 UUIDs: always 36 characters. */
const UUID_PATTERN = `${START}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${END}`;

/**
 * Patterns whose every match is at least this long: a shorter token cannot hold one, and skips the
 * regex. Keyed by the pattern's text, so it holds for any rule list that uses it. Only UUID is
 * worth it: most tokens with a dash (`u-38985`, `SKU-87135`, `job-26f93c83`) are far shorter, and
 * its regex failing on them was ~4 % of `templates` on 1M generated messages (decision 81).
 */
const SHORTEST_MATCH = new Map<string, number>([[UUID_PATTERN, 36]]);

export const DEFAULT_MASKS: readonly MaskRule[] = [
  // Canonical 8-4-4-4-12 UUIDs (request ids, instance ids).
  { name: 'UUID', pattern: UUID_PATTERN, flags: 'i', requires: ['-'] },
  // URLs before paths: the scheme's `//` would otherwise start a path.
  { name: 'URL', pattern: `${START}[A-Za-z][A-Za-z0-9+.-]*://[^\\s"'<>]+`, requires: ['://'] },
  // HDFS block ids (blk_-123...): the id of the HDFS session; the `_` keeps NUM from seeing them.
  { name: 'BLK', pattern: 'blk_-?\\d+', requires: ['blk_'] },
  // IPv4 with optional port, also `/10.0.0.1:50010` as Java prints socket addresses.
  { name: 'IP', pattern: `/?(?<![0-9.])\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?(?![0-9]|\\.\\d)`, requires: ['.'] },
  // File paths: Unix with two or more segments, not glued to a word (`/var/log/x.log`, but not the
  // date in 2016/9/27), and Windows (`C:\\dir\\file`).
  { name: 'PATH', pattern: `(?<![\\w.])(?:/[\\w.$@%+~-]+){2,}/?|${START}[A-Za-z]:\\\\[^\\s"'<>]*`, requires: ['/', '\\'] },
  // Host names: dot-separated labels ending in a top-level domain, generic (`mail.example.com`) or a
  // country code after two more labels (`proxy.cse.cuhk.edu.hk`). A name carries no digit as often
  // as not, so NUM cannot catch it, yet it is a value. Reverse-DNS names (`com.example.Foo`,
  // `com.tencent.mm`) are code, not hosts: they start with the TLD, and are left alone.
  {
    name: 'HOST',
    pattern: `(?<![\\w.-])(?!(?:com|org|net|edu|gov|java|javax|android)\\.)(?:${HOST_LABEL}\\.)+(?:com|net|org|edu|gov|mil|info|biz|localdomain|local|internal|lan)(?![\\w.-])|(?<![\\w.-])(?!(?:com|org|net|edu|gov|java|javax|android)\\.)(?:${HOST_LABEL}\\.){2,}[a-z]{2}(?![\\w.-])`,
    requires: ['.'],
  },
  // Hex: 0x-prefixed, or runs of 6+ hex digits that mix digits and letters (hashes, object ids).
  { name: 'HEX', pattern: `${START}0[xX][0-9a-fA-F]+${END}|${START}(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{6,}${END}`, requires: DIGITS },
  // Numbers: integers, decimals, dotted versions (1.7601.23505), signed; not inside words.
  // A dot before counts as glued too: `v6.1.7601` is a version word, not `v6.` + a number.
  { name: 'NUM', pattern: `(?<![A-Za-z0-9_.])[-+]?\\d+(?:\\.\\d+)*${END}`, requires: DIGITS },
];

export interface MaskedToken {
  /** The token with placeholders, e.g. `size=<NUM>`. */
  text: string;
  /** The original text behind each placeholder, in order. */
  values: string[];
}

/** Masked tokens remembered (plain words and values alike); past it the cache starts over. */
const TOKEN_CACHE_SIZE = 50_000;

export interface Masker {
  maskToken(token: string): MaskedToken;
  /**
   * `maskToken` for the hot loop: null when no rule masks anything in the token, so a plain word
   * (most tokens) costs neither an object nor a cache lookup.
   */
  maskOrNull(token: string): MaskedToken | null;
}

interface CompiledRule {
  placeholder: string;
  regex: RegExp;
  /** The rule's `requires` as a regex, for text left open after earlier rules masked parts. */
  gate: RegExp | undefined;
  /** The rule's bit in a token's `requires` summary (0: the rule has no `requires`, always runs). */
  bit: number;
  /** No match is shorter (SHORTEST_MATCH; 0 when unknown). */
  minLength: number;
}

interface CompiledRules {
  compiled: CompiledRule[];
  /** Per ASCII code: the bits of the rules that a token containing that character may match. */
  charBits: Int32Array;
  /** Required texts longer than one character (or not ASCII): checked with `includes`. */
  longTexts: Array<{ text: string; bit: number }>;
  /** Per ASCII code: bit k when long text k starts with it (only then is `includes` worth a call). */
  longFirst: Int32Array;
  /** Whether every rule has `requires`: a token with no bit set is then a plain word. */
  allGated: boolean;
  mayMatch: RegExp | undefined;
}

/** A token's bits fit one 32-bit integer; longer rule lists keep the gate regexes. */
const MAX_SUMMARIZED_RULES = 30;

/**
 * Compiled regexes per rule list: a miner is made per parse run and per benchmark round, and
 * compiling a dozen regexes each time costs more than mining a small file. Sharing is safe: every
 * use resets `lastIndex` and runs synchronously.
 */
const compiledRules = new WeakMap<readonly MaskRule[], CompiledRules>();

/** Throws when a rule's name or pattern is unusable. */
export function createMasker(rules: readonly MaskRule[] = DEFAULT_MASKS): Masker {
  let known = compiledRules.get(rules);
  if (!known) compiledRules.set(rules, (known = compileRules(rules)));
  return maskerFrom(rules, known);
}

function compileRules(rules: readonly MaskRule[]): CompiledRules {
  const charBits = new Int32Array(128);
  const longTexts: Array<{ text: string; bit: number }> = [];
  const summarize = rules.length <= MAX_SUMMARIZED_RULES;
  const compiled = rules.map((rule, index): CompiledRule => {
    // Drain recognizes placeholders by this shape (a masked token is a variable); see drain.ts.
    if (!/^(?:\*|[A-Z][A-Z0-9_]*)$/.test(rule.name)) throw new Error(`mask name "${rule.name}" must be * or upper-case letters, digits and _ (e.g. NUM)`);
    const flags = (rule.flags ?? '').replace(/g/g, '') + 'g';
    let regex: RegExp;
    try {
      regex = new RegExp(rule.pattern, flags);
    } catch (err) {
      throw new Error(`mask ${rule.name}: ${(err as Error).message}`, { cause: err });
    }
    const gate = rule.requires?.length ? anyOf(rule.requires) : undefined;
    let bit = 0;
    if (gate && summarize) {
      bit = 1 << index;
      for (const text of new Set(rule.requires)) {
        if (text.length === 1 && text.charCodeAt(0) < 128) charBits[text.charCodeAt(0)] |= bit;
        else longTexts.push({ text, bit });
      }
    }
    return { placeholder: `<${rule.name}>`, regex, gate, bit, minLength: SHORTEST_MATCH.get(rule.pattern) ?? 0 };
  });
  // When every rule says what a token must contain, those checks are the quick reject; else one
  // regex of all patterns is.
  const allGated = compiled.length > 0 && compiled.every((c) => c.gate);
  const mayMatch = allGated || compiled.length === 0 ? undefined : anyRuleRegex(rules);
  // Long texts past 31 (or starting outside ASCII) are always checked.
  const longFirst = new Int32Array(128);
  longTexts.forEach(({ text }, k) => {
    const first = text.charCodeAt(0);
    if (k < 31 && first < 128) longFirst[first] |= 1 << k;
    else longFirst.fill(-1);
  });
  return { compiled, charBits, longTexts, longFirst, allGated, mayMatch };
}

/** Literal text (still open to later rules) or a masked value. */
type Segment = string | { value: string; placeholder: string };

function maskerFrom(rules: readonly MaskRule[], { compiled, charBits, longTexts, longFirst, allGated, mayMatch }: CompiledRules): Masker {
  if (compiled.length === 0) return { maskToken: (token) => ({ text: token, values: [] }), maskOrNull: () => null };
  // Rules without `requires` give no cheap reject: tokens repeat endlessly in logs, so their results
  // are remembered (bounded, frozen: callers share them). With every rule summarized, the bit scan
  // rejects plain words, and a lookup of the rest (fresh strings, mostly values) cost more than
  // running their rules again: 0.74 s against 0.61 s CPU per 2.4M tokens of generated logs, and
  // even on the loghub samples (0.33 s against 0.34 s).
  const cache = new Map<string, MaskedToken>();
  const remember = (token: string, result: MaskedToken): MaskedToken => {
    if (!cached) return result;
    if (cache.size >= TOKEN_CACHE_SIZE) cache.clear();
    cache.set(token, result);
    return result;
  };
  const NO_VALUES: string[] = Object.freeze([]) as unknown as string[];
  const summarized = compiled.some((c) => c.bit !== 0);
  const cached = !(allGated && summarized);

  // With the default rules a bare integer can only be a NUM (every earlier rule needs a letter, a
  // dot, a dash, a colon or a slash): the most common variable token skips the scan.
  const integersAreNum = rules === DEFAULT_MASKS;

  /**
   * One pass over the token: the bits of the rules whose `requires` it meets (what the gate regexes
   * answered one regex per rule, measured at a fifth of the masker's time), and whether it is a
   * bare integer.
   */
  let integer = false;
  const requiredBits = (token: string): number => {
    let bits = 0;
    let longs = 0;
    let digits = 0;
    const n = token.length;
    for (let i = 0; i < n; i++) {
      const c = token.charCodeAt(i);
      if (c < 128) {
        bits |= charBits[c];
        longs |= longFirst[c];
      } else longs = -1;
      if (c >= 48 && c <= 57) digits++;
    }
    const first = token.charCodeAt(0);
    integer = digits > 0 && (digits === n || (digits === n - 1 && (first === 45 || first === 43)));
    for (let k = 0; longs !== 0 && k < longTexts.length; k++) {
      if (k < 31 && (longs & (1 << k)) === 0) continue;
      const { text, bit } = longTexts[k];
      if ((bits & bit) === 0 && token.includes(text)) bits |= bit;
    }
    return bits;
  };

  /** Stands in the cache for tokens the rules leave as they are. */
  const PLAIN: MaskedToken = Object.freeze({ text: '', values: NO_VALUES });

  const maskOrNull = (token: string): MaskedToken | null => {
    const bits = summarized ? requiredBits(token) : 0;
    if (integersAreNum && integer) return { text: '<NUM>', values: [token] };
    // Most tokens are plain words: reject them with cheap tests instead of one scan per rule
    if (allGated && summarized && bits === 0) return null;
    const known = cached ? cache.get(token) : undefined;
    if (known) return known === PLAIN ? null : known;
    if (!allGated && mayMatch && !mayMatch.test(token)) {
      remember(token, PLAIN);
      return null;
    }
    // Segments: strings are literal text still open to later rules; objects are masked values.
    // Null while no rule has matched: the token is then the only, literal segment.
    let segments: Segment[] | null = null;
    // `open`: text still open to later rules (once a rule masked the whole token, the rest skip).
    // Built only when a later rule's gate needs it (undefined: not built since the last match).
    let open: string | undefined = token;
    let literal = true;
    for (const { placeholder, regex, gate, bit, minLength } of compiled) {
      if (!literal) break;
      // Every open segment is part of the token, so none can hold a match longer than the token.
      if (token.length < minLength) continue;
      // Until a rule matched, the token's bits answer the gate; after, the open text is re-checked.
      if (gate && (segments === null && bit !== 0 ? (bits & bit) === 0 : !gate.test((open ??= openText(segments!))))) continue;
      let next: Segment[] | null = null;
      const current: readonly Segment[] = segments ?? [token];
      for (let s = 0; s < current.length; s++) {
        const seg = current[s];
        if (typeof seg !== 'string') {
          next?.push(seg);
          continue;
        }
        let last = 0;
        regex.lastIndex = 0;
        for (let m = regex.exec(seg); m; m = regex.exec(seg)) {
          if (m[0].length === 0) {
            regex.lastIndex++; // an empty match masks nothing; step over it
            continue;
          }
          // The first match of this rule: the segments before this one stand as they were.
          next ??= current.slice(0, s);
          if (m.index > last) next.push(seg.slice(last, m.index));
          next.push({ value: m[0], placeholder });
          last = m.index + m[0].length;
        }
        if (next) {
          if (last < seg.length) next.push(last === 0 ? seg : seg.slice(last));
        }
      }
      if (!next) continue; // nothing masked: the segments stand as they were
      segments = next;
      open = undefined;
      literal = next.some(isLiteral);
    }
    if (segments === null) {
      remember(token, PLAIN);
      return null;
    }
    let text = '';
    const values: string[] = [];
    for (const seg of segments) {
      if (typeof seg === 'string') text += seg;
      else {
        text += seg.placeholder;
        values.push(seg.value);
      }
    }
    // Values are mostly unique (ids, addresses): remembering them would only churn the cache.
    return { text, values };
  };
  return {
    maskOrNull,
    maskToken: (token) => maskOrNull(token) ?? Object.freeze({ text: token, values: NO_VALUES }),
  };
}

const isLiteral = (seg: Segment): seg is string => typeof seg === 'string';

/**
 * Gates look at the text between masked values only: joined with a space, which no rule needs, so
 * a gate cannot see a match across a masked value.
 */
function openText(segments: readonly Segment[]): string {
  return segments.filter(isLiteral).join(' ');
}

/** A regex that finds any of the texts (a character class when they are all single characters). */
function anyOf(texts: readonly string[]): RegExp {
  const escapeRegex = (t: string) => t.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  const chars = [...new Set(texts.filter((t) => t.length === 1))];
  const longer = [...new Set(texts.filter((t) => t.length > 1))];
  const parts = [...(chars.length ? [`[${chars.map(escapeRegex).join('')}]`] : []), ...longer.map(escapeRegex)];
  return new RegExp(parts.join('|'));
}

/**
 * One regex that matches wherever any rule could (the alternation of all patterns), used as a
 * quick reject. Only built when every rule's flags merely widen a match (i, s, m), so the
 * combined regex with their union stays a superset of each rule; otherwise there is no shortcut.
 */
function anyRuleRegex(rules: readonly MaskRule[]): RegExp | undefined {
  const flags = new Set(rules.flatMap((r) => [...(r.flags ?? '').replace(/g/g, '')]));
  if ([...flags].some((f) => !'ism'.includes(f))) return undefined;
  // Back-references would point at another rule's groups once the patterns are joined.
  if (rules.some((r) => /\\[1-9]|\\k</.test(r.pattern))) return undefined;
  try {
    return new RegExp(rules.map((r) => `(?:${r.pattern})`).join('|'), [...flags].join(''));
  } catch {
    return undefined;
  }
}
