/**
 * A message as the clusterer sees it: tokens with their masked form and the values the masks cut
 * out. Three steps, each a general rule about what a variable looks like rather than a rule for
 * one log format:
 * 1. multi-token values (dates, quantities; valueRuns.ts) become one token each;
 * 2. every token goes through the masks (masks.ts), and a plain word named by the noun before it
 *    (`user cyrus`, `user=cyrus`; namedValues.ts) is a value too;
 * 3. adjacent tokens that are nothing but values and punctuation (`<QTY> (<QTY>)`, `<IP> <NUM>`)
 *    become one `<*>` token: one variable can print as one token or as several (`0 bytes` vs
 *    `1190 bytes (1.16 KB)`), and only the constant words around it say which event it is. So do
 *    lists of numbered names (`an14 an15 an16`): one such word may be a constant (`ssh2`), a run
 *    of them is a list of values of any length.
 * Pure: no state besides the masker's cache.
 */
import { WILDCARD, tokenize } from './drain';
import type { Masker } from './masks';
import { isNamedValue, namedKeyValue } from './namedValues';
import { valueRunAt } from './valueRuns';

export interface MessageTokens {
  /** Original text of each token (a merged value run keeps its inner spaces). */
  tokens: string[];
  /** What the clusterer sees: placeholders instead of values. */
  masked: string[];
  /** The original text behind each placeholder of each masked token, in order. */
  values: string[][];
}

/** Steps 1 and 3 can be turned off (plain Drain3 tokens; the benchmark's ablation). */
export interface TokenRules {
  /** Step 1: dates and quantities that span tokens become one token. */
  valueRuns: boolean;
  /** Step 3: adjacent pure-value tokens become one `<*>` token. */
  joinAdjacentValues: boolean;
  /** Step 2, second half: `user cyrus` → `user <*>`. */
  namedValues: boolean;
}

export const DEFAULT_TOKEN_RULES: Readonly<TokenRules> = Object.freeze({ valueRuns: true, joinAdjacentValues: true, namedValues: true });

export function messageTokens(content: string, masker: Masker, rules: Readonly<TokenRules> = DEFAULT_TOKEN_RULES): MessageTokens {
  // Written in place: a run or a join only ever shortens the list, so `tokens` reuses `raw`.
  const raw = tokenize(content);
  const tokens = raw;
  const n = raw.length;
  const masked: string[] = new Array(n);
  const values: string[][] = new Array(n);
  let count = 0;
  /** Whether the last kept token is a pure value, or a numbered name (step 3). */
  let lastPure = false;
  let lastNumbered = false;
  /** The raw token before this one (raw is overwritten behind the loop, so it is kept here). */
  let previous: string | undefined;
  for (let i = 0; i < n; i++) {
    let token = raw[i];
    const before = previous;
    previous = token;
    let text: string;
    let vals: string[];
    const run = rules.valueRuns ? valueRunAt(raw, i) : null;
    if (run) {
      // Step 1: the run is one token; glued punctuation around it stays text.
      token = run.before + run.text + run.after;
      text = run.before + run.placeholder + run.after;
      vals = [run.text];
      i += run.tokenCount - 1;
      previous = raw[i];
    } else {
      const m = masker.maskOrNull(token);
      text = m ? m.text : token;
      vals = m ? m.values : NO_VALUES;
      if (rules.namedValues && vals.length === 0) {
        if (isNamedValue(before, token)) {
          text = WILDCARD;
          vals = [token];
        } else {
          const kv = namedKeyValue(token);
          if (kv) {
            text = `${kv.key}=${WILDCARD}`;
            vals = [kv.value];
          }
        }
      }
    }
    const pure = rules.joinAdjacentValues && ((vals.length > 0 && isPureValue(text)) || (token.length === 2 && EMPTY_VALUES.has(token)));
    const numbered = rules.joinAdjacentValues && vals.length === 0 && endsInDigit(token) && NUMBERED_NAME.test(token);
    if ((pure && lastPure) || (numbered && lastNumbered)) {
      // Step 3: join with the previous pure value; the whole stretch is one parameter.
      const last = count - 1;
      tokens[last] += ' ' + token;
      masked[last] = WILDCARD;
      values[last] = [tokens[last]];
      continue;
    }
    tokens[count] = token;
    masked[count] = text;
    values[count] = vals;
    count++;
    lastPure = pure;
    lastNumbered = numbered;
  }
  if (count < n) tokens.length = masked.length = values.length = count;
  return { tokens, masked, values };
}

/** Shared by every token without values (frozen: nothing may add to it). */
const NO_VALUES: string[] = Object.freeze([]) as unknown as string[];

/** A name with a number (`an14`, `cn304,`): in a run of them, a list of values. */
const NUMBERED_NAME = /^[A-Za-z]{1,12}\d+[,;]?$/;

/** Cheap pre-check for NUMBERED_NAME (it runs for every plain token): the last or second-last character is a digit. */
function endsInDigit(token: string): boolean {
  const last = token.charCodeAt(token.length - 1);
  if (last >= 48 && last <= 57) return true;
  const before = token.charCodeAt(token.length - 2);
  return (last === 44 || last === 59) && before >= 48 && before <= 57;
}

/** A value printed empty (`connection from 1.2.3.4 () at ...`): it joins adjacent values like one. Two characters each. */
const EMPTY_VALUES = new Set(['()', '[]', '{}', '<>', "''", '""']);

/**
 * Only placeholders and punctuation: `<NUM>`, `(<QTY>)`, `<HOST>:<NUM>,`; not `size=<NUM>` or
 * `eth<NUM>`. A placeholder is `<` + upper-case name or `*` + `>`; any other letter or digit is text.
 */
function isPureValue(maskedText: string): boolean {
  for (let i = 0; i < maskedText.length; i++) {
    const c = maskedText.charCodeAt(i);
    if (c === 60 /* < */) {
      const close = maskedText.indexOf('>', i + 1);
      if (close > i + 1 && isPlaceholderName(maskedText, i + 1, close)) {
        i = close;
        continue;
      }
    }
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
  }
  return true;
}

function isPlaceholderName(text: string, from: number, to: number): boolean {
  if (to - from === 1 && text.charCodeAt(from) === 42 /* * */) return true;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || c === 95 || (i > from && c >= 48 && c <= 57))) return false;
  }
  return true;
}
