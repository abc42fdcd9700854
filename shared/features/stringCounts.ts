/**
 * A count per string, kept in typed arrays (the keys' bytes in one arena, an open-addressing table
 * of where each starts, its length and its count) rather than a Map of strings. `features` counts
 * every session key of the day that has closed: 176K keys at 10M logs were a Map of 12 MB in V8's
 * heap, live to the end and growing with the day, which V8 sizes its old generation by (decision
 * 94). As UTF-16 code units with four arrays per entry and a table of entry numbers they still took
 * 10 MB at 10M logs (1.25 MB at 1M); as bytes in one table, 5 MB (decision 110).
 */
export class StringCounts {
  private bytes = new Uint8Array(1 << 14);
  private bytesUsed = 0;
  /** Per slot: where its key's bytes start + 1 (0 for an empty slot), how many, and its count. At most three quarters full. */
  private starts = new Int32Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  private counts = new Int32Array(1 << 10);
  private entries = 0;
  /** The key being looked up, encoded (see `encode`). */
  private key = new Uint8Array(256);

  get size(): number {
    return this.entries;
  }

  /** The count of `key` (0 when it was never incremented). */
  get(key: string): number {
    const length = this.encode(key);
    const slot = this.slotOf(length);
    return this.starts[slot] === 0 ? 0 : this.counts[slot];
  }

  increment(key: string): void {
    const length = this.encode(key);
    let slot = this.slotOf(length);
    if (this.starts[slot] !== 0) {
      this.counts[slot]++;
      return;
    }
    if ((this.entries + 1) * 4 > this.starts.length * 3) {
      this.growTable();
      slot = this.slotOf(length);
    }
    if (this.bytesUsed + length > this.bytes.length) {
      // By half: the arena is the larger part, and doubling left up to half of it unused.
      const grown = new Uint8Array(Math.max(this.bytes.length + (this.bytes.length >> 1), this.bytesUsed + length));
      grown.set(this.bytes.subarray(0, this.bytesUsed));
      this.bytes = grown;
    }
    this.bytes.set(this.key.subarray(0, length), this.bytesUsed);
    this.starts[slot] = this.bytesUsed + 1;
    this.lengths[slot] = length;
    this.counts[slot] = 1;
    this.bytesUsed += length;
    this.entries++;
  }

  /**
   * `key` into `this.key`, returning its length: a byte per code unit below 0x80 (session ids and
   * block ids are ASCII), three for any other (a lead byte 0x80–0x8F and two of six bits). One
   * string has one encoding and one encoding one string, lone surrogates included.
   */
  private encode(key: string): number {
    if (this.key.length < key.length * 3) this.key = new Uint8Array(key.length * 3);
    const out = this.key;
    let n = 0;
    for (let k = 0; k < key.length; k++) {
      const unit = key.charCodeAt(k);
      if (unit < 0x80) out[n++] = unit;
      else {
        out[n++] = 0x80 | (unit >> 12);
        out[n++] = (unit >> 6) & 0x3f;
        out[n++] = unit & 0x3f;
      }
    }
    return n;
  }

  /** The slot holding the first `length` bytes of `this.key`, or the empty slot where it would go. */
  private slotOf(length: number): number {
    const { starts, lengths, bytes, key } = this;
    const mask = starts.length - 1;
    for (let slot = hashOf(key, 0, length) & mask; ; slot = (slot + 1) & mask) {
      const start = starts[slot] - 1;
      if (start < 0) return slot;
      if (lengths[slot] !== length) continue;
      let k = 0;
      while (k < length && bytes[start + k] === key[k]) k++;
      if (k === length) return slot;
    }
  }

  private growTable(): void {
    const { starts, lengths, counts } = this;
    const capacity = starts.length * 2;
    this.starts = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let old = 0; old < starts.length; old++) {
      if (starts[old] === 0) continue;
      let slot = hashOf(this.bytes, starts[old] - 1, lengths[old]) & mask;
      while (this.starts[slot] !== 0) slot = (slot + 1) & mask;
      this.starts[slot] = starts[old];
      this.lengths[slot] = lengths[old];
      this.counts[slot] = counts[old];
    }
  }
}

/** FNV-1a over `length` bytes from `start`, mixed so that the low bits (the slot) depend on every byte. */
function hashOf(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < start + length; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
  h ^= h >>> 16;
  return Math.imul(h, 0x85ebca6b) ^ (h >>> 13);
}
