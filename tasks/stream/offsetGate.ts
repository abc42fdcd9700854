/**
 * Which consumed messages belong to the current assignment's stream of records. After a rebalance
 * the Kafka client refetches every assigned partition from its committed offset, while messages it
 * fetched before (buffered, or from a fetch still in flight) keep arriving. The stream drops its
 * per-partition state at each new assignment and rebuilds it from the committed offsets, so the gate
 * lets through, per partition, only the refetched sequence: the first message must be at the start
 * offset of the assignment (what the client fetches from), and after it only offsets beyond the last
 * one let through. Between the rebalance and the start offsets being known, nothing passes.
 * Pure (no Kafka): the stream feeds it the client's events.
 */
export class OffsetGate {
  /** Partition → the next offset to let through, and whether its first message passed. */
  private next: Map<number, { offset: number; started: boolean }> | undefined = new Map();
  /** Partitions without a start offset let anything through (the first assignment, fetched from the committed offsets already). */
  private open = true;
  /** Messages held back since the last assignment (stale or duplicate). */
  dropped = 0;

  /** A rebalance began: nothing passes until the next assignment's start offsets are known. */
  close(): void {
    this.next = undefined;
    this.open = false;
  }

  /** The new assignment: partition → the offset the client fetches it from. */
  assign(starts: ReadonlyMap<number, number>): void {
    this.next = new Map([...starts].map(([p, offset]) => [p, { offset, started: false }]));
    this.open = false;
    this.dropped = 0;
  }

  get waiting(): boolean {
    return this.next === undefined;
  }

  /** True when the message belongs to the current stream of its partition. */
  admit(partition: number, offset: number): boolean {
    if (!this.next) {
      this.dropped++;
      return false;
    }
    const at = this.next.get(partition);
    if (!at) {
      if (!this.open) {
        this.dropped++;
        return false;
      }
      this.next.set(partition, { offset: offset + 1, started: true });
      return true;
    }
    // Before the refetch started, only its first offset passes; after, only what is beyond (offset gaps are normal in Kafka).
    if (at.started ? offset < at.offset : offset !== at.offset) {
      this.dropped++;
      return false;
    }
    at.offset = offset + 1;
    at.started = true;
    return true;
  }

  /** Partitions of the assignment whose refetch has not started yet (a liveness check). */
  notStarted(): number[] {
    return this.next ? [...this.next].filter(([, v]) => !v.started).map(([p]) => p) : [];
  }
}
