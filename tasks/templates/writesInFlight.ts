/** Where `WritesInFlight` writes: each call takes its place after the ones before, even while they are in flight. */
export interface OrderedSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Whether bytes given to `write` may be changed once its promise is settled (a file: yes; stdout may still hold them). */
  readonly reusesBuffers: boolean;
}

/**
 * Batches of output written while the next one is built: at most `limit` writes in flight (a
 * file's run on the libuv threads in parallel, at their own positions). Where the sink allows, a
 * batch's buffer is used again once its write is done: fresh buffers piled up to ~50 MB at 10M
 * lines before a collection.
 */
export class WritesInFlight {
  private readonly writing: Array<{ done: Promise<void>; buffer: Buffer }> = [];
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly sink: OrderedSink,
    private readonly limit: number,
  ) {}

  /** A buffer of at least `size` bytes to build the next batch in: one whose write is done, or a new one. */
  buffer(size: number): Buffer {
    const spare = this.spare;
    return this.sink.reusesBuffers && spare.length > 0 && spare[spare.length - 1].length >= size ? spare.pop()! : Buffer.allocUnsafe(size);
  }

  /** Writes `buffer[0..used)` after everything before it; first waits for the oldest write while `limit` are in flight. */
  async write(buffer: Buffer, used: number): Promise<void> {
    if (this.writing.length >= this.limit) {
      const written = this.writing.shift()!;
      await written.done;
      this.spare.push(written.buffer);
    }
    const done = this.sink.write(buffer.subarray(0, used));
    done.catch(() => {}); // awaited by a later `write` or `finish`; this only keeps a failure from counting as unhandled meanwhile
    this.writing.push({ done, buffer });
  }

  /** Waits for every write in flight (the first failure is thrown). */
  async finish(): Promise<void> {
    for (const { done } of this.writing.splice(0)) await done;
  }
}
