import { isCalendarTime } from '../dates';

/**
 * Timestamp parsing: a user-given pattern (`yyyy-MM-dd HH:mm:ss,SSS` style), or automatic detection
 * among common log formats. Times without an offset are taken as UTC (the `defaultYear` fills
 * formats that have no year, like Android's `MM-dd`). Impossible fields (Feb 30, hour 24) do not
 * parse: Date would roll them over into another day without a word.
 */
export type TimestampParser = (text: string) => number | undefined;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const TOKENS: Record<string, { re: string; key?: string }> = {
  yyyy: { re: '(\\d{4})', key: 'year' },
  yy: { re: '(\\d{2})', key: 'year2' },
  MMM: { re: '([A-Za-z]{3})', key: 'monthName' },
  MM: { re: '(\\d{2})', key: 'month' },
  dd: { re: '(\\d{2})', key: 'day' },
  d: { re: '(\\d{1,2})', key: 'day' },
  HH: { re: '(\\d{2})', key: 'hour' },
  mm: { re: '(\\d{2})', key: 'minute' },
  ss: { re: '(\\d{2})', key: 'second' },
  SSSSSS: { re: '(\\d{6})', key: 'fraction' },
  SSS: { re: '(\\d{3})', key: 'fraction' },
  EEE: { re: '[A-Za-z]{3}' },
};
const TOKEN_ORDER = Object.keys(TOKENS).sort((a, b) => b.length - a.length);

/** Compiles a pattern such as `yyMMdd HHmmss` into a parser. */
export function compileTimestampPattern(pattern: string, defaultYear = 1970): TimestampParser {
  let re = '^\\s*';
  const keys: string[] = [];
  for (let i = 0; i < pattern.length; ) {
    const token = TOKEN_ORDER.find((t) => pattern.startsWith(t, i));
    if (token) {
      re += TOKENS[token].re;
      if (TOKENS[token].key) keys.push(TOKENS[token].key!);
      i += token.length;
    } else {
      const ch = pattern[i++];
      re += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const matcher = new RegExp(re + '\\s*$');
  return (text) => {
    const m = matcher.exec(text);
    if (!m) return undefined;
    const v: Record<string, string> = {};
    keys.forEach((k, i) => {
      v[k] = m[i + 1];
    });
    const year = v.year ? Number(v.year) : v.year2 ? 2000 + Number(v.year2) : defaultYear;
    const month = v.monthName ? MONTHS.indexOf(v.monthName.toLowerCase()) : Number(v.month ?? 1) - 1;
    if (month < 0 || month > 11) return undefined;
    const ms = v.fraction ? Math.floor(Number(v.fraction.padEnd(3, '0').slice(0, 3))) : 0;
    const fields = [year, month, Number(v.day ?? 1), Number(v.hour ?? 0), Number(v.minute ?? 0), Number(v.second ?? 0)] as const;
    if (!isCalendarTime(...fields)) return undefined;
    return Date.UTC(...fields, ms);
  };
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The digits text[from, from + n) as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `yyyy-MM-ddTHH:mm:ss.SSSZ` exactly (what JavaScript's toISOString and most JSON loggers write),
 * read by char codes: the regex, the calendar check through Date and Date.parse cost a sixth of
 * ingest. Gives what the general path gives, or undefined to let it decide.
 */
function parseIsoMillisUtc(s: string): number | undefined {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':' || s[19] !== '.') return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  // Years below 100 are left to Date.parse: Date.UTC would read them as 19xx.
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return undefined;
  }
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** parseIsoMillisUtc over the bytes b[start, end) (ingest's byte path): the same result, without a string. */
export function parseIsoMillisUtcBytes(b: Uint8Array, start: number, end: number): number | undefined {
  if (end - start !== 24 || b[start + 23] !== 90 /* Z */ || b[start + 10] !== 84 /* T */) return undefined;
  if (b[start + 4] !== 45 || b[start + 7] !== 45 || b[start + 13] !== 58 || b[start + 16] !== 58 || b[start + 19] !== 46) return undefined;
  const year = byteDigits(b, start, 4);
  const month = byteDigits(b, start + 5, 2);
  const day = byteDigits(b, start + 8, 2);
  const hour = byteDigits(b, start + 11, 2);
  const minute = byteDigits(b, start + 14, 2);
  const second = byteDigits(b, start + 17, 2);
  const ms = byteDigits(b, start + 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return undefined;
  }
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return undefined;
  // Date.UTC of the day once per day: a file's lines nearly all share it, and with every field a
  // whole number in range Date.UTC is that day's milliseconds plus the time's, exactly.
  if (year !== lastDay.year || month !== lastDay.month || day !== lastDay.day) {
    lastDay.year = year;
    lastDay.month = month;
    lastDay.day = day;
    lastDay.ms = Date.UTC(year, month - 1, day);
  }
  return lastDay.ms + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The day parseIsoMillisUtcBytes read last, and its Date.UTC. */
const lastDay = { year: -1, month: -1, day: -1, ms: 0 };

function byteDigits(b: Uint8Array, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** ISO 8601 (with or without offset; no offset = UTC). */
export const parseIso: TimestampParser = (text) => {
  const fast = parseIsoMillisUtc(text);
  if (fast !== undefined) return fast;
  const s = text.trim();
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  if (!isCalendarTime(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[7] ?? 0))) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  const t = Date.parse(hasZone ? s.replace(' ', 'T') : s.replace(' ', 'T') + 'Z');
  return Number.isNaN(t) ? undefined : t;
};

/** Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits). */
export const parseEpoch: TimestampParser = (text) => {
  const s = text.trim();
  if (/^\d{13}$/.test(s)) return Number(s);
  if (/^\d{9,10}(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  return undefined;
};

/** Patterns tried, in order, when no format is configured. */
export const KNOWN_PATTERNS = [
  'yyyy-MM-dd HH:mm:ss,SSS', // log4j, Zookeeper
  'yyyy-MM-dd HH:mm:ss.SSS', // OpenStack, many apps
  'yyyy-MM-dd HH:mm:ss',
  'yyyy-MM-dd-HH.mm.ss.SSSSSS', // BGL
  'yyMMdd HHmmss', // HDFS
  'EEE MMM dd HH:mm:ss yyyy', // Apache
  'MMM d HH:mm:ss', // syslog
  'MM-dd HH:mm:ss.SSS', // Android
  'yyyyMMdd-HH:mm:ss:SSS', // HealthApp
  'MM.dd HH:mm:ss', // Proxifier
  'yyyy.MM.dd', // Thunderbird Date
];

/**
 * Returns a parser for `pattern`, or an auto-detecting one that settles on the first parser that
 * works and tries the others again only when it stops working (formats can differ per file).
 */
export function createTimestampParser(pattern?: string, defaultYear = 1970): TimestampParser {
  if (pattern && pattern !== 'auto') {
    if (pattern === 'iso') return parseIso;
    if (pattern === 'epoch') return parseEpoch;
    return compileTimestampPattern(pattern, defaultYear);
  }
  const candidates: TimestampParser[] = [parseIso, parseEpoch, ...KNOWN_PATTERNS.map((p) => compileTimestampPattern(p, defaultYear))];
  let current: TimestampParser | undefined;
  const detecting: TimestampParser = (text) => {
    const fast = current?.(text);
    if (fast !== undefined) return fast;
    for (const c of candidates) {
      const t = c(text);
      if (t !== undefined) {
        current = c;
        return t;
      }
    }
    return undefined;
  };
  currentParsers.set(detecting, () => current);
  return detecting;
}

/** The auto-detecting parsers' current choice (what they try first). */
const currentParsers = new WeakMap<TimestampParser, () => TimestampParser | undefined>();

/**
 * Whether `parser` now gives any text that parseIso reads exactly parseIso's value: parseIso itself,
 * or an auto-detecting parser settled on it (it tries that first; ingest's byte path reads such
 * timestamps from their bytes, and leaves the others to `parser`).
 */
export function readsIsoFirst(parser: TimestampParser): () => boolean {
  if (parser === parseIso) return () => true;
  const current = currentParsers.get(parser);
  return current ? () => current() === parseIso : () => false;
}
