/**
 * Values that span several whitespace tokens, found in the whole message before it is split:
 * - dates and times written with spaces (`Sun Jul 24 02:04:59 2005`, `Jul  4 02:04:59`,
 *   `2005-07-24 02:04:59,123`): how many tokens a date takes depends on the logger, and a day
 *   number padded with a space even changes the count from line to line;
 * - quantities, a number with its unit (`12 ms`, `<1 sec`, `1.16 KB`, `403 bytes`): the unit
 *   belongs to the value, and optional parts such as `(1.16 KB)` come and go with the value.
 * Each run becomes one token, so an event keeps one token count and one template whatever the
 * value looks like. Why regexes on the message and not token masks: a mask sees one token and
 * cannot tell that `Jul`, `24` and `02:04:59` are one value.
 * Pure, no state.
 */

export interface ValueRun {
  /** The run's text as it was in the message. */
  text: string;
  /** Its placeholder (`<DATE>`, `<QTY>`). */
  placeholder: string;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?';
const CLOCK = '\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:\\s?[AaPp][Mm])?(?:\\s?(?:Z|UTC|GMT|[+-]\\d{2}:?\\d{2}))?';
/** Month-name dates: `Sun Jul 24 02:04:59 2005`, `24 Jul 2005 02:04:59`, `Jul 24, 2005`, `Jul 24 02:04:59`. */
const NAMED_DATE =
  `(?:${DAY}\\s+)?(?:${MONTH}\\s+\\d{1,2},?|\\d{1,2}\\s+${MONTH})(?:\\s+\\d{4}\\b)?(?:\\s+${CLOCK})?(?:\\s+\\d{4}\\b)?`;
/** Numeric dates with an optional time: `2005-07-24 02:04:59,123`, `2005/07/24T02:04:59Z`. */
const NUMERIC_DATE = `\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}(?:[T\\s]${CLOCK})?`;
const UNIT =
  '(?:[KMGTP]i?B|B|bytes?|[mun]?s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|ms|msecs?|milliseconds?|[KMG]?Hz|%)';
/** A number and its unit, with an optional comparison sign: `<1 sec`, `1.16 KB`, `12ms` stays a token mask's job. */
const QUANTITY = `[<>~]?[-+]?\\d+(?:\\.\\d+)?\\s+${UNIT}(?![\\w.])`;

const NOT_GLUED_BEFORE = '(?<![\\w.:/-])';
const RUNS = new RegExp(`${NOT_GLUED_BEFORE}(?:(${NAMED_DATE})|(${NUMERIC_DATE})|(${QUANTITY}))`, 'g');
/**
 * Every run has a digit next to a space (`24 02:04`, `Jul 24`, `12 ms`) or a numeric date
 * (`2005-07-24`): messages without either (most) skip the full scan.
 */
const MAY_HOLD_RUN = /\d\s|\s\d|\d{4}[-/]\d/;

/** Marks a run inside the message; no log text carries this character. */
export const RUN_MARK = '\u0001';

/**
 * The message with every run replaced by RUN_MARK, and the runs in order. Returns the message
 * itself and an empty list when there is no run (the common case, no copy).
 */
export function markValueRuns(message: string): { marked: string; runs: ValueRun[] } {
  if (!MAY_HOLD_RUN.test(message)) return { marked: message, runs: NO_RUNS };
  let runs: ValueRun[] | null = null;
  RUNS.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = RUNS.exec(message); m; m = RUNS.exec(message)) {
    const text = m[0];
    // A bare month name or a lone `Jul 4` is not enough: a date run needs a digit group plus a
    // second part (a year, a time), so words like `May` in prose stay words.
    if (m[1] !== undefined && !/\d{1,2}:\d{2}|\d{4}/.test(text)) continue;
    // Only runs that span tokens matter here: a one-token date is a token mask's job.
    if (!/\s/.test(text)) continue;
    runs ??= [];
    runs.push({ text, placeholder: m[3] !== undefined ? '<QTY>' : '<DATE>' });
    out += message.slice(last, m.index) + RUN_MARK;
    last = m.index + text.length;
  }
  return runs ? { marked: out + message.slice(last), runs } : { marked: message, runs: NO_RUNS };
}

const NO_RUNS: ValueRun[] = Object.freeze([]) as unknown as ValueRun[];
