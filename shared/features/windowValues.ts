/**
 * The per-event state of an open window (its latencies and its users) in typed arrays taken from a
 * pool and given back when the window is sealed. As JS arrays and a Set of user-id strings, an
 * hour of open windows held a value per event that outlived many young-generation collections and
 * was promoted: at 10M logs a day (ten times the events per hour of log time of 1M) that garbage
 * set the size of V8's old generation and so `features`' peak RSS (decision 94).
 */
export class TypedArrayPool {
  private readonly floats = new Map<number, Float64Array[]>();
  private readonly ints = new Map<number, Int32Array[]>();

  /** A Float64Array of `capacity` (a power of two) values, contents unspecified. */
  float64(capacity: number): Float64Array {
    return this.floats.get(capacity)?.pop() ?? new Float64Array(capacity);
  }

  /** An Int32Array of `capacity` (a power of two) zeros. */
  int32(capacity: number): Int32Array {
    const reused = this.ints.get(capacity)?.pop();
    return reused ? reused.fill(0) : new Int32Array(capacity);
  }

  /** Lets the free arrays go (to the garbage collector). */
  clear(): void {
    this.floats.clear();
    this.ints.clear();
  }

  release(array: Float64Array | Int32Array): void {
    const byCapacity = array instanceof Float64Array ? this.floats : this.ints;
    const free = byCapacity.get(array.length) as (typeof array)[] | undefined;
    if (free) free.push(array);
    else byCapacity.set(array.length, [array] as never);
  }
}

const FIRST_CAPACITY = 16;

/** An open window's latencies (in arrival order) and the set of its users' numbers. */
export class WindowValues {
  private latencyValues: Float64Array | null = null;
  private latencyCount = 0;
  /** Open addressing, linear probing: user number + 1, 0 for an empty slot; at most half full. */
  private userSlots: Int32Array | null = null;
  private userCount = 0;

  constructor(private readonly pool: TypedArrayPool) {}

  addLatency(value: number): void {
    let values = this.latencyValues;
    if (!values) values = this.latencyValues = this.pool.float64(FIRST_CAPACITY);
    else if (this.latencyCount === values.length) {
      const grown = this.pool.float64(values.length * 2);
      grown.set(values);
      this.pool.release(values);
      values = this.latencyValues = grown;
    }
    values[this.latencyCount++] = value;
  }

  /** Adds a user's number (≥ 0); a number already in the window is not counted again. */
  addUser(user: number): void {
    if (!this.userSlots) this.userSlots = this.pool.int32(FIRST_CAPACITY);
    else if ((this.userCount + 1) * 2 > this.userSlots.length) this.growUsers();
    if (insert(this.userSlots, user + 1)) this.userCount++;
  }

  get distinctUsers(): number {
    return this.userCount;
  }

  /** The latencies sorted ascending, in place: valid until `release`. */
  sortedLatencies(): Float64Array {
    return (this.latencyValues ?? new Float64Array(0)).subarray(0, this.latencyCount).sort();
  }

  /** Gives the arrays back to the pool; the window holds nothing after this. */
  release(): void {
    if (this.latencyValues) this.pool.release(this.latencyValues);
    if (this.userSlots) this.pool.release(this.userSlots);
    this.latencyValues = null;
    this.userSlots = null;
    this.latencyCount = 0;
    this.userCount = 0;
  }

  private growUsers(): void {
    const old = this.userSlots!;
    const grown = this.pool.int32(old.length * 2);
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) insert(grown, old[i]);
    this.pool.release(old);
    this.userSlots = grown;
  }
}

/** Inserts key (> 0) into a power-of-two table with a free slot; false when it was there. */
function insert(slots: Int32Array, key: number): boolean {
  const mask = slots.length - 1;
  // Fibonacci hashing: the product's top bits, as many as the table has index bits.
  for (let i = Math.imul(key, 0x9e3779b1) >>> (Math.clz32(slots.length) + 1); ; i = (i + 1) & mask) {
    const at = slots[i];
    if (at === key) return false;
    if (at === 0) {
      slots[i] = key;
      return true;
    }
  }
}
