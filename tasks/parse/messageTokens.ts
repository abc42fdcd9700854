/**
 * A message as the clusterer sees it: tokens with their masked form and the values the masks cut
 * out. Three steps, each a general rule about what a variable looks like rather than a rule for
 * one log format:
 * 1. multi-token values (dates, quantities; valueRuns.ts) become one token each;
 * 2. every token goes through the masks (masks.ts);
 * 3. adjacent tokens that are nothing but values and punctuation (`<QTY> (<QTY>)`, `<IP> <NUM>`)
 *    become one `<*>` token: one variable can print as one token or as several (`0 bytes` vs
 *    `1190 bytes (1.16 KB)`), and only the constant words around it say which event it is.
 * Pure: no state besides the masker's cache.
 */
import { WILDCARD, tokenize } from './drain';
import type { Masker } from './masks';
import { markValueRuns, RUN_MARK, type ValueRun } from './valueRuns';

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
}

export const DEFAULT_TOKEN_RULES: Readonly<TokenRules> = Object.freeze({ valueRuns: true, joinAdjacentValues: true });

const NO_RUNS = { runs: [] as ValueRun[] };

export function messageTokens(content: string, masker: Masker, rules: Readonly<TokenRules> = DEFAULT_TOKEN_RULES): MessageTokens {
  const { marked, runs } = rules.valueRuns ? markValueRuns(content) : { marked: content, ...NO_RUNS };
  const raw = tokenize(marked);
  const tokens: string[] = [];
  const masked: string[] = [];
  const values: string[][] = [];
  let run = 0;
  /** Whether the last pushed token is a pure value, and how many raw tokens it holds. */
  let lastPure = false;
  for (let i = 0; i < raw.length; i++) {
    let token = raw[i];
    let text: string;
    let vals: string[];
    if (runs.length > 0 && token.includes(RUN_MARK)) {
      const pieces = token.split(RUN_MARK);
      token = '';
      text = '';
      vals = [];
      for (let p = 0; p < pieces.length; p++) {
        if (pieces[p] !== '') {
          const m = masker.maskToken(pieces[p]);
          text += m.text;
          vals.push(...m.values);
          token += pieces[p];
        }
        if (p < pieces.length - 1) {
          const r: ValueRun = runs[run++];
          text += r.placeholder;
          vals.push(r.text);
          token += r.text;
        }
      }
    } else {
      const m = masker.maskToken(token);
      text = m.text;
      vals = m.values;
    }
    const pure = rules.joinAdjacentValues && vals.length > 0 && isPureValue(text);
    if (pure && lastPure) {
      // Step 3: join with the previous pure value; the whole stretch is one parameter.
      const last = tokens.length - 1;
      tokens[last] += ' ' + token;
      masked[last] = WILDCARD;
      values[last] = [tokens[last]];
      continue;
    }
    tokens.push(token);
    masked.push(text);
    values.push(vals);
    lastPure = pure;
  }
  return { tokens, masked, values };
}

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
