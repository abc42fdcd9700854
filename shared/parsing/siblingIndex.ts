/**
 * Which clusters are "siblings": templates of one length that are equal but for one position,
 * say `removing chargen` / `removing daytime` / `removing echo`, or `session opened for user root`
 * / `... user cyrus`. The word rule (drain.ts) keeps such clusters apart while there are few of
 * them, since two or three words at one place usually name different events (`VM Started` /
 * `VM Stopped`); once a position has taken many distinct words, it holds a value and the siblings
 * are one event. This index finds the siblings of a template at each position in one lookup.
 * Pure data structure, no I/O.
 */

/** drain.ts's WILDCARD (not imported: drain.ts imports this file). */
const WILDCARD = '<*>';

/** Sibling groups by key; a key is the position and the template with that position blanked. */
export class SiblingIndex {
  private readonly groups = new Map<number, string[]>();
  /** The keys each cluster is filed under, so removing and looking up need no rehashing. */
  private readonly keysById = new Map<string, Array<{ position: number; key: number }>>();

  /** Files the cluster under every position that can hold a word variable. */
  add(id: string, tokens: readonly string[]): void {
    const keys = siblingKeys(tokens);
    this.keysById.set(id, keys);
    for (const { key } of keys) {
      const group = this.groups.get(key);
      if (group) group.push(id);
      else this.groups.set(key, [id]);
    }
  }

  remove(id: string): void {
    for (const { key } of this.keysById.get(id) ?? []) {
      const group = this.groups.get(key);
      if (!group) continue;
      const at = group.indexOf(id);
      if (at >= 0) group.splice(at, 1);
      if (group.length === 0) this.groups.delete(key);
    }
    this.keysById.delete(id);
  }

  /**
   * For each position where the filed cluster `id` has siblings: the ids of the clusters equal to
   * it everywhere but there (itself included), in filing order.
   */
  siblingGroups(id: string): Array<{ position: number; ids: readonly string[] }> {
    const out: Array<{ position: number; ids: readonly string[] }> = [];
    for (const { position, key } of this.keysById.get(id) ?? []) {
      const ids = this.groups.get(key);
      if (ids && ids.length >= 2) out.push({ position, ids });
    }
    return out;
  }
}

/**
 * A position can hold a word variable when something constant is left around it: a lone token
 * (`initialized`, `succeeded`) or a template of values and one word is no context, and merging
 * such siblings would merge unrelated one-word events.
 */
function canVary(tokens: readonly string[], position: number, constants = countConstants(tokens)): boolean {
  if (tokens.length < 2) return false;
  return constants - (tokens[position] === WILDCARD ? 0 : 1) > 0;
}

function countConstants(tokens: readonly string[]): number {
  let n = 0;
  for (const t of tokens) if (t !== WILDCARD) n++;
  return n;
}

/**
 * Key of one position: a 53-bit hash of the token count, the position and the tokens before and
 * after it. A hash instead of the blanked text, because a template of n tokens has n keys, and
 * joining n texts of n tokens is quadratic (lines with hundreds of tokens exist). Two independent
 * 32-bit hashes per side go into it: a false sibling is practically impossible (about 2^-53 per
 * pair of keys), and it would only merge two clusters.
 */
function keyFrom(length: number, position: number, prefix: Uint32Array, suffix: Uint32Array): number {
  const p = position * 2;
  const q = (position + 1) * 2;
  // Fold the two sides, the position and the length into 53 bits: a number key allocates no string.
  const a = Math.imul(prefix[p] ^ Math.imul(suffix[q], 0x9e3779b1) ^ position, 0x85ebca6b) ^ length;
  const b = Math.imul(prefix[p + 1] ^ Math.imul(suffix[q + 1], 0xc2b2ae35) ^ (length << 16), 0x27d4eb2f) ^ position;
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/**
 * prefix[2i], prefix[2i+1]: two hashes of tokens[0..i); suffix[2i], suffix[2i+1]: of tokens[i..n).
 */
function sideHashes(tokens: readonly string[]): { prefix: Uint32Array; suffix: Uint32Array } {
  const n = tokens.length;
  const prefix = new Uint32Array(2 * (n + 1));
  const suffix = new Uint32Array(2 * (n + 1));
  prefix[0] = 0x811c9dc5;
  prefix[1] = 0x9e3779b9;
  suffix[2 * n] = 0x811c9dc5;
  suffix[2 * n + 1] = 0x9e3779b9;
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  for (let i = 0; i < n; i++) [a[i], b[i]] = tokenHashes(tokens[i]);
  for (let i = 0; i < n; i++) {
    prefix[2 * i + 2] = Math.imul(prefix[2 * i] ^ a[i], 0x01000193) >>> 0;
    prefix[2 * i + 3] = Math.imul(prefix[2 * i + 1] ^ b[i], 0x85ebca6b) >>> 0;
  }
  for (let i = n - 1; i >= 0; i--) {
    suffix[2 * i] = Math.imul(suffix[2 * i + 2] ^ a[i], 0x01000193) >>> 0;
    suffix[2 * i + 1] = Math.imul(suffix[2 * i + 3] ^ b[i], 0x85ebca6b) >>> 0;
  }
  return { prefix, suffix };
}

/** Two 32-bit hashes of a token (FNV-1a and a murmur-style mix), length included. */
function tokenHashes(token: string): [number, number] {
  let h1 = 0x811c9dc5 ^ token.length;
  let h2 = 0x27d4eb2f ^ token.length;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0xcc9e2d51);
    h2 = (h2 << 15) | (h2 >>> 17);
  }
  return [h1 >>> 0, h2 >>> 0];
}

function siblingKeys(tokens: readonly string[]): Array<{ position: number; key: number }> {
  const keys: Array<{ position: number; key: number }> = [];
  let hashes: ReturnType<typeof sideHashes> | undefined;
  const constants = countConstants(tokens);
  for (let i = 0; i < tokens.length; i++) {
    if (!canVary(tokens, i, constants)) continue;
    hashes ??= sideHashes(tokens);
    keys.push({ position: i, key: keyFrom(tokens.length, i, hashes.prefix, hashes.suffix) });
  }
  return keys;
}
