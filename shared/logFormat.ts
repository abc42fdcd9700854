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
  for (const m of marked.matchAll(HEADER)) {
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
  };
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
