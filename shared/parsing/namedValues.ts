/**
 * A word right after a noun that names an identifier is that identifier: `for user cyrus`,
 * `Invalid user oracle from`, `host gateway`, and the `user=cyrus` form. Such values are single
 * plain words, which nothing about their shape marks as variables (the hard case of word
 * variables); counting distinct words (the word rule, drain.ts) only catches them once many names
 * were seen, while a syslog may only ever see three users. The nouns are kept to those whose next
 * word is the name itself, lower case as programs print them (`User ID:` is a label, not a name).
 * Pure, no state.
 */

/** Nouns whose next word is the identifier they name. */
const NAMING_NOUNS = new Set(['user', 'username', 'ruser', 'login', 'account', 'host', 'hostname', 'rhost']);
/** Words that follow those nouns without being a name (`user not found`, `host name`, `user is`). */
const NOT_NAMES = new Set([
  'a',
  'an',
  'the',
  'is',
  'was',
  'are',
  'has',
  'had',
  'not',
  'no',
  'for',
  'from',
  'to',
  'by',
  'of',
  'in',
  'on',
  'at',
  'with',
  'and',
  'or',
  'as',
  'name',
  'names',
  'id',
  'ids',
  'list',
  'info',
  'data',
  'session',
  'sessions',
  'account',
  'accounts',
]);
/** An identifier: a letter, then letters, digits, `.`, `_`, `-`, `@`, `$` (no brackets, no `!`). */
const IDENTIFIER = /^[A-Za-z][\w.@$-]*$/;
const KEY_VALUE = /^([a-z]+)=([A-Za-z][\w.@$-]*)$/;

/** First letters of the nouns, by character code: this runs for every token, and most are ruled out before a Set lookup. */
const NOUN_FIRST = new Uint8Array(128);
for (const noun of NAMING_NOUNS) NOUN_FIRST[noun.charCodeAt(0)] = 1;

/** Whether `token` is a name given by the noun before it (the previous raw token). */
export function isNamedValue(previous: string | undefined, token: string): boolean {
  return previous !== undefined && NOUN_FIRST[previous.charCodeAt(0)] === 1 && NAMING_NOUNS.has(previous) && !NOT_NAMES.has(token) && IDENTIFIER.test(token);
}

/** `user=cyrus` → `{ key: 'user', value: 'cyrus' }`; null when the key is not a naming noun. */
export function namedKeyValue(token: string): { key: string; value: string } | null {
  if (token.indexOf('=') < 0) return null;
  const m = KEY_VALUE.exec(token);
  return m && NAMING_NOUNS.has(m[1]) && !NOT_NAMES.has(m[2]) ? { key: m[1], value: m[2] } : null;
}
