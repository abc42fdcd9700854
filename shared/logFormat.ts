/**
 * loghub-style log formats: `<Date> <Time> <Level> <Component>: <Content>` names the header fields
 * of a text log line. Compiled the way loghub's logparser does it (`generate_logformat_regex`):
 * the format is split on `<Field>` headers, each header becomes a lazy `(.*?)` capture, a run of
 * spaces matches `\s+`, the whole thing is anchored, and lines are trimmed before matching.
 *
 * loghub pastes the text between headers into the regex as-is. That only works because its formats
 * escape by hand (`\[`, `\|`); a user writing `[<Level>]` or `<A>|<B>` would get a broken regex.
 * So here the text between headers is literal, with exactly the two regex devices loghub's own
 * formats use kept working:
 * - `\x` is a literal `x` (`\[<Time>\]`, `<Time>\|<Component>`);
 * - `( ... )?` wraps an optional part (Thunderbird: `<Component>(\[<PID>\])?: <Content>`).
 *   A `(` without a matching `)?` is a literal parenthesis.
 */

export interface CompiledLogFormat {
  /** Header names in format order (`Content` included). */
  readonly fields: readonly string[];
  /** The fields of one line, or null when the line does not fit. Fields of an absent optional part are ''. */
  match(line: string): Record<string, string> | null;
  /** `match(line)?.Content`, without capturing the other fields (`templates` reads only this, per line). */
  content(line: string): string | null;
  /**
   * `content` on a line given as UTF-8 bytes (`bytes[start..end)`, no line ending), for a content
   * of printable ASCII: true puts the content's byte range in `range` (start, end). A true answer
   * holds only if those bytes are printable ASCII (space to `~`): the caller must check that, as
   * a byte-level shape lookup does (messageShapes.ts `findBytes`). False: undecided, not "no
   * match"; the caller decodes the line and calls `content`. Absent for formats it cannot follow
   * exactly (optional parts, text after `<Content>`, whitespace or non-ASCII in the literals).
   */
  readonly contentBytes?: (bytes: Uint8Array, start: number, end: number, range: Int32Array) => boolean;
}

/** Formats of the loghub systems (docs: /work/shared/datasets/README.md), by lowercase name. */
export const KNOWN_LOG_FORMATS = {
  hdfs: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  bgl: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
  thunderbird: '<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>',
  windows: '<Date> <Time>, <Level>                  <Component>    <Content>',
  zookeeper: '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>',
  apache: '\\[<Time>\\] \\[<Level>\\] <Content>',
  android: '<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>',
  healthapp: '<Time>\\|<Component>\\|<Pid>\\|<Content>',
  openstack: '<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>',
  proxifier: '\\[<Time>\\] <Program> - <Content>',
} as const satisfies Record<string, string>;

export type KnownLogFormatName = keyof typeof KNOWN_LOG_FORMATS;

/** The format string for a known name (any case), or undefined. */
export function knownLogFormat(name: string): string | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(KNOWN_LOG_FORMATS, key) ? KNOWN_LOG_FORMATS[key as KnownLogFormatName] : undefined;
}

const HEADER = /<([^<>]+)>/g;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws an Error with a readable message when the format is unusable. */
export function compileLogFormat(format: string): CompiledLogFormat {
  const marked = markOptionalGroups(format);
  const fields: string[] = [];
  let source = '';
  /** The same regex with only Content captured: the same match, fewer strings per line. */
  let contentSource = '';
  let last = 0;
  /** The text before each field, then after the last one (for the byte matcher). */
  const literals: string[] = [];
  for (const m of marked.matchAll(HEADER)) {
    literals.push(marked.slice(last, m.index));
    source += literalToRegex(marked.slice(last, m.index));
    contentSource += literalToRegex(marked.slice(last, m.index));
    const name = m[1].trim();
    if (!FIELD_NAME.test(name)) throw new Error(`field <${m[1]}> must be a name made of letters, digits and _`);
    if (fields.includes(name)) throw new Error(`field <${name}> appears twice`);
    fields.push(name);
    source += '(.*?)';
    contentSource += name === 'Content' ? '(.*?)' : '(?:.*?)';
    last = m.index + m[0].length;
  }
  literals.push(marked.slice(last));
  source += literalToRegex(marked.slice(last));
  contentSource += literalToRegex(marked.slice(last));
  if (!fields.includes('Content')) throw new Error('the format needs a <Content> field (the free-text message)');
  let regex: RegExp;
  let contentRegex: RegExp;
  try {
    regex = new RegExp(`^${source}$`);
    contentRegex = new RegExp(`^${contentSource}$`);
  } catch (err) {
    throw new Error(`cannot compile the format: ${(err as Error).message}`, { cause: err });
  }
  return {
    fields,
    match(line) {
      const m = regex.exec(line.trim());
      if (!m) return null;
      const out: Record<string, string> = {};
      for (let i = 0; i < fields.length; i++) out[fields[i]] = m[i + 1] ?? '';
      return out;
    },
    content(line) {
      const m = contentRegex.exec(line.trim());
      return m ? (m[1] ?? '') : null;
    },
    ...(fields[fields.length - 1] === 'Content' && literals[literals.length - 1] === '' ? { contentBytes: contentByteMatcher(literals.slice(0, -1)) } : {}),
  };
}

/** A unit of literal text for the byte matcher: a byte, or WHITESPACE for `\s+`. */
const WHITESPACE = -1;

/**
 * The regex `^L0(.*?)L1(.*?)…L(n-1)(.*?)$` (Content last) on a trimmed line, followed on bytes.
 * Each lazy field is shortest: it ends at the first place where the next literal matches, taking
 * every whitespace there (`\s+` is greedy). That is the first path the regex tries; when it gets
 * to the end, it is the regex's match. When it does not (a literal never matches, a byte that is
 * not ASCII or a CR in a field, where `\s` or `.` would need Unicode), the answer is undecided.
 * Undefined when a literal holds text this cannot follow exactly.
 */
function contentByteMatcher(texts: string[]): CompiledLogFormat['contentBytes'] {
  const literals: number[][] = [];
  for (const text of texts) {
    const units: number[] = [];
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c === 32) {
        while (text.charCodeAt(i + 1) === 32) i++;
        units.push(WHITESPACE);
        continue;
      }
      if (c === 92 /* \ */ && i + 1 < text.length) c = text.charCodeAt(++i);
      // Printable ASCII but space only: optional-part markers, tabs or non-ASCII take the regex.
      if (c < 33 || c > 126) return undefined;
      units.push(c);
    }
    literals.push(units);
  }
  const fieldCount = literals.length;
  // A DataView of the buffer last matched: its bytes are skipped four at a time.
  let viewed: Uint8Array | undefined;
  let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  return (bytes, start, end, range) => {
    if (bytes !== viewed) {
      viewed = bytes;
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    while (start < end && isAsciiSpace(bytes[start])) start++;
    while (end > start && isAsciiSpace(bytes[end - 1])) end--;
    // Trim would also take Unicode spaces: a non-ASCII byte at either end is the regex's to judge.
    if (start < end && (bytes[start] > 127 || bytes[end - 1] > 127)) return false;
    let at = literalEnd(literals[0], bytes, start, end);
    if (at < 0) return false;
    for (let f = 1; f < fieldCount; f++) {
      const literal = literals[f];
      if (literal.length === 0) continue;
      // The literal can only start where its first unit does: the field's bytes are skipped
      // until then, each checked for what `.` does not take (CR, LF) or may not (non-ASCII).
      const first = literal[0];
      let q = at;
      for (;;) {
        // Bytes that can neither start the literal nor stop the field are skipped in tight loops
        // (the field's bytes are most of a header): four at a time while none of the four can
        // (`skipWords`), then one at a time.
        q = skipWords(view, q, end, first);
        if (first === WHITESPACE) while (q < end && bytes[q] > 32 && bytes[q] < 128) q++;
        else while (q < end && bytes[q] !== first && bytes[q] > 13 && bytes[q] < 128) q++;
        if (q === end) return false;
        const c = bytes[q];
        if (first === WHITESPACE ? isAsciiSpace(c) : c === first) {
          const after = literalEnd(literal, bytes, q, end);
          if (after >= 0) {
            at = after;
            break;
          }
        }
        if (c > 127 || c === 13 || c === 10) return false;
        q++;
      }
    }
    range[0] = at;
    range[1] = end;
    return true;
  };
}

/**
 * Where the byte-at-a-time skip of a field takes over (see contentByteMatcher): past every whole
 * word of four bytes from `q` none of which can start the literal (`first`: a byte, or WHITESPACE)
 * or stop the field (CR, LF, non-ASCII). A word is skippable when each byte is ASCII and above 32
 * (WHITESPACE: no byte ≤ 32 can be one), or above 13 and unequal to `first`; per byte, the bit-7
 * tests below hold only for such bytes (no carry or borrow crosses a byte of a word without bit 7).
 */
function skipWords(view: DataView, q: number, end: number, first: number): number {
  if (first === WHITESPACE) {
    for (; q + 4 <= end; q += 4) {
      const m = view.getUint32(q, true);
      // Bit 7 of a byte: set in the byte itself (non-ASCII) or, after subtracting 33, when it was below 33.
      if (((m | (m - 0x21212121)) & 0x80808080) !== 0) break;
    }
    return q;
  }
  const repeated = Math.imul(first, 0x01010101);
  for (; q + 4 <= end; q += 4) {
    const m = view.getUint32(q, true);
    // Below 14: borrows out of its byte when 14 is subtracted; equal to `first`: zero after the XOR.
    const x = m ^ repeated;
    if (((m | (m - 0x0e0e0e0e) | (x - 0x01010101)) & 0x80808080) !== 0) break;
  }
  return q;
}

/** 9–13 and space: the ASCII characters of `\s` and of what `trim` removes. */
function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Where `literal` ends when it matches at `at` (whitespace runs taken whole), or -1. */
function literalEnd(literal: number[], bytes: Uint8Array, at: number, end: number): number {
  for (let u = 0; u < literal.length; u++) {
    const unit = literal[u];
    if (unit === WHITESPACE) {
      if (at >= end || !isAsciiSpace(bytes[at])) return -1;
      while (++at < end && isAsciiSpace(bytes[at]));
    } else if (at < end && bytes[at] === unit) at++;
    else return -1;
  }
  return at;
}

/**
 * Pairs `(` with `)?` over the whole format (an optional part usually contains a header, so this
 * must happen before the split) and replaces each pair with marker characters. Escaped `\(` and
 * parentheses without a closing `)?` are left alone and end up literal.
 */
function markOptionalGroups(format: string): string {
  const chars = [...format];
  const open: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\') i++;
    else if (chars[i] === '(') open.push(i);
    else if (chars[i] === ')' && open.length > 0) {
      const start = open.pop()!;
      if (chars[i + 1] === '?') {
        chars[start] = OPEN_OPTIONAL;
        chars[i] = CLOSE_OPTIONAL;
        chars[i + 1] = '';
        i++;
      }
    }
  }
  return chars.join('');
}

/** Literal text between headers → regex source (optional-group markers become `(?:` and `)?`). */
function literalToRegex(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      out += escapeChar(text[++i]);
    } else if (c === ' ') {
      while (text[i + 1] === ' ') i++;
      out += '\\s+';
    } else if (c === OPEN_OPTIONAL) {
      out += '(?:';
    } else if (c === CLOSE_OPTIONAL) {
      out += ')?';
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

// Private-use code points stand in for the `(` and `)?` of optional groups once they are paired.
const OPEN_OPTIONAL = '\uE000';
const CLOSE_OPTIONAL = '\uE001';
