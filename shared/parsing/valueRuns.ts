/**
 * Values that span several whitespace tokens:
 * - dates and times written with spaces (`Sun Jul 24 02:04:59 2005`, `Jul  4 02:04:59`,
 *   `2005-07-24 02:04:59,123`): how many tokens a date takes depends on the logger, and a day
 *   number padded with a space even changes the count from line to line;
 * - quantities, a number with its unit (`12 ms`, `<1 sec`, `1.16 KB`, `403 bytes`): the unit
 *   belongs to the value, and optional parts such as `(1.16 KB)` come and go with the value.
 * Each run becomes one token, so an event keeps one token count and one template whatever the
 * value looks like. Why not token masks: a mask sees one token and cannot tell that `Jul`, `24`
 * and `02:04:59` are one value. Why tokens and not one regex over the message: a run can only
 * start at a month or day name, a numeric date or a number followed by a unit, which a Set
 * lookup per token finds far faster than a regex scan of every message.
 * Pure, no state.
 */

export interface ValueRun {
  /** Tokens the run covers, from the start token on. */
  tokenCount: number;
  /** Punctuation glued before the run (`(` in `(1.16 KB)`), kept out of the value. */
  before: string;
  /** The value as it was in the message, its tokens joined by one space. */
  text: string;
  /** Punctuation glued after the run (`)`, `,`), kept out of the value. */
  after: string;
  placeholder: '<DATE>' | '<QTY>';
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const FULL_MONTHS = ['January', 'February', 'March', 'April', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FULL_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Words a date can start with. */
const DATE_WORDS = new Set([...MONTHS.split('|'), ...DAYS.split('|'), ...FULL_MONTHS, ...FULL_DAYS]);
/** Their first letters, by character code: most tokens are ruled out before hashing them for the Set. */
const DATE_WORD_FIRST = new Uint8Array(128);
for (const word of DATE_WORDS) DATE_WORD_FIRST[word.charCodeAt(0)] = 1;
const DATE_WORD_MAX = Math.max(...[...DATE_WORDS].map((w) => w.length)) + 1;

/** DATE_WORDS.has(withoutTrailingDot(token)), ruling out most tokens by length and first two letters. */
function isDateWord(token: string): boolean {
  const second = token.charCodeAt(1);
  if (token.length < 3 || token.length > DATE_WORD_MAX || DATE_WORD_FIRST[token.charCodeAt(0)] !== 1 || second < 97 || second > 122) return false;
  return DATE_WORDS.has(withoutTrailingDot(token));
}

const UNITS = new Set(
  'B KB MB GB TB PB KiB MiB GiB TiB byte bytes ms us ns s sec secs second seconds min mins minute minutes h hr hrs hour hours day days msec msecs millisecond milliseconds Hz KHz MHz GHz %'.split(
    ' ',
  ),
);

/**
 * A time of day, with an optional AM/PM and zone. A zone name (`EST`, `CEST`) counts only before a
 * year (`19:02:14 EST 2004`): an upper-case word after a time may as well be a log level.
 */
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:\\s?[AaPp][Mm])?(?:\\s(?:Z|UTC|GMT|[+-]\\d{2}:?\\d{2}|[A-Z]{2,5}(?=\\s\\d{4}\\b)))?';
const MONTH = `(?:${MONTHS})[a-z]*\\.?`;
/** Month-name dates: `Sun Jul 24 02:04:59 2005`, `24 Jul 2005 02:04:59`, `Jul 24, 2005`, `Jul 24 02:04:59`. */
const NAMED_DATE = `(?:(?:${DAYS})[a-z]*,?\\s)?(?:${MONTH}\\s\\d{1,2},?|\\d{1,2}\\s${MONTH})(?:\\s\\d{4}\\b)?(?:\\s${CLOCK})?(?:\\s\\d{4}\\b)?`;
/** Numeric dates with a time: `2005-07-24 02:04:59,123` (a date alone is one token, a mask's job). */
const NUMERIC_DATE = `\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}(?:[T\\s]${CLOCK})`;
const DATE_AT_START = new RegExp(`^(?:${NAMED_DATE}|${NUMERIC_DATE})`);
/** A date run needs a year or a time besides the day: `May 5` alone may be prose. */
const DATE_HAS_YEAR_OR_TIME = /\d{1,2}:\d{2}|\d{4}/;
/** A number, optionally with a comparison sign: `12`, `-0.5`, `<1`. */
const NUMBER = /^[<>~]?[-+]?\d+(?:\.\d+)?$/;
/** How many tokens a date can span: `Sun Jul 24 02:04:59 PM +0200 2005`. */
const MAX_DATE_TOKENS = 7;

const CLOSING = ')]},;:.';

/** The run starting at token i, or null. */
export function valueRunAt(tokens: readonly string[], i: number): ValueRun | null {
  // This runs for every token of every message: decide on the first character where possible.
  const token = tokens[i];
  const c = token.charCodeAt(0);
  const start = c === 40 || c === 91 || c === 123 ? 1 : 0; // ( [ {
  const first = start ? token.charCodeAt(1) : c;
  const isDigit = first >= 48 && first <= 57;
  if (isDigit || first === 60 || first === 62 || first === 126 || first === 45 || first === 43) {
    const run = quantityAt(tokens, i, start);
    if (run) return run;
  }
  if (isDigit || (first >= 65 && first <= 90 && token.length - start <= 10)) return dateAt(tokens, i, start);
  return null;
}

/** The token without one trailing `,` or `.` (`Jul,` `Sun.`), without copying when there is none. */
function withoutTrailingDot(token: string): string {
  const last = token.charCodeAt(token.length - 1);
  return last === 44 || last === 46 ? token.slice(0, -1) : token;
}

/** `12 ms`, `(1.16 KB)`: a number token, then a unit token with at most closing punctuation after it. */
function quantityAt(tokens: readonly string[], i: number, start: number): ValueRun | null {
  if (i + 1 >= tokens.length) return null;
  const unitToken = tokens[i + 1];
  let end = unitToken.length;
  while (end > 0 && CLOSING.includes(unitToken[end - 1])) end--;
  const unit = end === unitToken.length ? unitToken : unitToken.slice(0, end);
  if (!UNITS.has(unit)) return null;
  const number = start ? tokens[i].slice(start) : tokens[i];
  if (!NUMBER.test(number)) return null;
  return { tokenCount: 2, before: tokens[i].slice(0, start), text: `${number} ${unit}`, after: unitToken.slice(end), placeholder: '<QTY>' };
}

function dateAt(tokens: readonly string[], i: number, start: number): ValueRun | null {
  const head = start > 0 ? tokens[i].slice(start) : tokens[i];
  const numeric = head.length >= 8 && (head[4] === '-' || head[4] === '/');
  // A day number starts a date only before a month name (`24 Jul 2005`): small numbers are everywhere.
  const dayFirst = !numeric && head.length <= 2 && i + 1 < tokens.length && isDateWord(tokens[i + 1]);
  if (!numeric && !dayFirst && !isDateWord(head)) return null;
  let joined = head;
  const ends: number[] = [head.length];
  for (let k = i + 1; k < Math.min(tokens.length, i + MAX_DATE_TOKENS); k++) {
    joined += ' ' + tokens[k];
    ends.push(joined.length);
  }
  const m = DATE_AT_START.exec(joined);
  if (!m || !DATE_HAS_YEAR_OR_TIME.test(m[0])) return null;
  // The run covers every token the match reaches into; what is left of the last one must be punctuation.
  let count = 0;
  while (ends[count] < m[0].length) count++;
  count++;
  if (count < 2) return null;
  const rest = joined.slice(m[0].length, ends[count - 1]);
  for (const ch of rest) if (!CLOSING.includes(ch)) return null;
  return { tokenCount: count, before: start > 0 ? tokens[i].slice(0, start) : '', text: m[0], after: rest, placeholder: '<DATE>' };
}
