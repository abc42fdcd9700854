/**
 * ArrayBuffers handed back by their user to be written into again, instead of new ones per part.
 * A step that reads a part of a few tens of MB, uses it and drops it left each part's buffers to
 * the garbage collector, which frees external memory late and at its own times: how many parts'
 * worth were resident depended on when it ran, and peak RSS grew with the number of parts
 * (parse: +19 % from 1M to 10M logs, decision 97). A pooled buffer is reused as soon as it is given back.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** `maxBuffers`: buffers kept at most (more are left to the garbage collector). */
  constructor(private readonly maxBuffers = 256) {}

  /** Buffers nothing uses any more (their views are not read again). Detached or empty ones are skipped. */
  give(buffers: Iterable<ArrayBuffer>): void {
    for (const buffer of buffers) if (buffer.byteLength > 0 && this.free.length < this.maxBuffers) this.free.push(buffer);
  }

  /**
   * `give`, dropping first the buffers still free: those no read took since the last hand-back
   * (a size no later part needed) would otherwise pile up, and the pool holds at most one hand-back.
   */
  replace(buffers: Iterable<ArrayBuffer>): void {
    this.free.length = 0;
    this.give(buffers);
  }

  get size(): number {
    return this.free.length;
  }

  /**
   * A buffer of at least `bytes`: the smallest free one that is at most twice as large, else a new
   * one with an eighth more room (the same column of the next part is a little larger or smaller).
   */
  take(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      if (size >= bytes && size <= 2 * bytes + 64 && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    if (best >= 0) {
      const [buffer] = this.free.splice(best, 1);
      return buffer;
    }
    return new ArrayBuffer(bytes < 65_536 ? bytes : bytes + (bytes >> 3));
  }

  /** A copy of `source` in a pooled buffer: a view of exactly its length, at the buffer's start. */
  copy<T extends Uint8Array | Int32Array | Float64Array | BigInt64Array>(source: T): T {
    const Kind = source.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => T;
    const out = new Kind(this.take(source.byteLength), 0, source.length);
    (out as Uint8Array).set(source as Uint8Array);
    return out;
  }
}

/**
 * Byte views of pooled buffers, for objects read into them (`ObjectStore.getInto`) and handed back
 * (`give`) once nothing reads them. Only this pool's own buffers are ever taken back: a view of
 * anything else (a memory store's stored object) is never written over.
 */
export class ViewPool {
  private readonly pool: BufferPool;
  private readonly own = new WeakSet<ArrayBuffer>();

  constructor(maxBuffers: number) {
    this.pool = new BufferPool(maxBuffers);
  }

  /** A view of exactly `size` bytes at the start of a free buffer, or of a new one. */
  take(size: number): Uint8Array {
    const buffer = this.pool.take(size);
    this.own.add(buffer);
    return new Uint8Array(buffer, 0, size);
  }

  /**
   * `view` is one this pool gave, come back from another thread: a transfer makes a new
   * ArrayBuffer over the same memory, which `give` must know as this pool's.
   */
  adopt(view: Uint8Array): void {
    this.own.add(view.buffer as ArrayBuffer);
  }

  /** Whether `view` is over one of this pool's buffers. */
  owns(view: Uint8Array): boolean {
    return this.own.has(view.buffer as ArrayBuffer);
  }

  /** Nothing reads `view` any more: its buffer is written into again. Not this pool's: ignored. */
  give(view: Uint8Array): void {
    const buffer = view.buffer as ArrayBuffer;
    if (!this.own.has(buffer)) return;
    this.own.delete(buffer);
    this.pool.give([buffer]);
  }

  get size(): number {
    return this.pool.size;
  }
}
