/**
 * A count per string, kept in typed arrays (the strings' UTF-16 code units in one arena, an
 * open-addressing table of entry numbers) rather than a Map of strings. `features` counts every
 * session key of the day that has closed: 176K keys at 10M logs were a Map of 12 MB in V8's heap,
 * live to the end and growing with the day, which V8 sizes its old generation by; here they take
 * a few large arrays outside it (decision 94).
 */
export class StringCounts {
  private chars = new Uint16Array(1 << 14);
  private charsUsed = 0;
  /** Per entry: where its code units start in `chars`, how many, its hash and its count. */
  private starts = new Int32Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 10);
  private counts = new Int32Array(1 << 10);
  private entries = 0;
  /** Entry + 1 per slot, 0 for an empty one; at most half full. */
  private slots = new Int32Array(1 << 11);

  get size(): number {
    return this.entries;
  }

  /** The count of `key` (0 when it was never incremented). */
  get(key: string): number {
    const entry = this.find(key, hashOf(key));
    return entry < 0 ? 0 : this.counts[entry];
  }

  increment(key: string): void {
    const hash = hashOf(key);
    const entry = this.find(key, hash);
    if (entry >= 0) this.counts[entry]++;
    else this.insert(key, hash);
  }

  /** The entry of `key`, or -1. */
  private find(key: string, hash: number): number {
    const { slots, hashes, lengths, starts, chars } = this;
    const mask = slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = slots[i] - 1;
      if (entry < 0) return -1;
      if (hashes[entry] !== hash || lengths[entry] !== key.length) continue;
      let k = 0;
      for (let at = starts[entry]; k < key.length && chars[at] === key.charCodeAt(k); k++, at++);
      if (k === key.length) return entry;
    }
  }

  private insert(key: string, hash: number): void {
    if (this.entries === this.starts.length) this.growEntries();
    if ((this.entries + 1) * 2 > this.slots.length) this.growSlots();
    if (this.charsUsed + key.length > this.chars.length) {
      const grown = new Uint16Array(Math.max(this.chars.length * 2, this.charsUsed + key.length));
      grown.set(this.chars.subarray(0, this.charsUsed));
      this.chars = grown;
    }
    const entry = this.entries++;
    for (let k = 0; k < key.length; k++) this.chars[this.charsUsed + k] = key.charCodeAt(k);
    this.starts[entry] = this.charsUsed;
    this.lengths[entry] = key.length;
    this.hashes[entry] = hash;
    this.counts[entry] = 1;
    this.charsUsed += key.length;
    this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let i = this.hashes[entry] & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = entry + 1;
  }

  private growEntries(): void {
    const grow = (a: Int32Array) => {
      const grown = new Int32Array(a.length * 2);
      grown.set(a);
      return grown;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.hashes = grow(this.hashes);
    this.counts = grow(this.counts);
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let entry = 0; entry < this.entries; entry++) this.place(entry);
  }
}

/** FNV-1a over the UTF-16 code units, mixed so that the low bits (the slot) depend on every unit. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
  h ^= h >>> 16;
  return Math.imul(h, 0x85ebca6b) ^ (h >>> 13);
}
