/** Whitespace other than single inner spaces: most messages have none and are returned as they are. */
const IRREGULAR_SPACE = /\s\s|[^\S ]|^\s|\s$/;

/** Whitespace runs collapse, so the same message with different spacing mines to the same template (`parse` and `stream`). */
export function normalizeMessage(message: string): string {
  return IRREGULAR_SPACE.test(message) ? message.replace(/\s+/g, ' ').trim() : message;
}
