/** Whitespace other than single inner spaces: most messages have none and are returned as they are. */
const IRREGULAR_SPACE = /\s\s|[^\S ]|^\s|\s$/;

/**
 * Whether `IRREGULAR_SPACE` matches, read by character codes for ASCII (the regex was 5–8 % of
 * `parse`, a scan is several times cheaper). Any code beyond ASCII hands the message to the regex
 * itself, so Unicode's spaces are the regex's to judge.
 */
function irregularSpace(message: string): boolean {
  const n = message.length;
  if (n === 0) return false;
  if (message.charCodeAt(0) === 32 || message.charCodeAt(n - 1) === 32) return true;
  for (let i = 0; i < n; i++) {
    const c = message.charCodeAt(i);
    if (c > 32 && c < 127) continue;
    if (c === 32) {
      // A space between two others is regular; the ends were checked above.
      if (message.charCodeAt(i + 1) === 32) return true;
    } else if (c >= 127) return IRREGULAR_SPACE.test(message);
    else if (c >= 9 && c <= 13) return true; // \t \n \v \f \r
  }
  return false;
}

/** Whitespace runs collapse, so the same message with different spacing mines to the same template (`parse` and `stream`). */
export function normalizeMessage(message: string): string {
  return irregularSpace(message) ? message.replace(/\s+/g, ' ').trim() : message;
}
