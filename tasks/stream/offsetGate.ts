/**
 * A safety net under the Kafka client: per partition, only offsets beyond the last one let through,
 * so a message the client hands over twice within one message stream is not counted twice (gaps
 * are normal in Kafka: transaction markers, compaction). `reset` starts over with a new stream.
 */
export class OffsetGate {
  private readonly next = new Map<number, number>();
  /** Messages dropped as already seen since the last reset. */
  dropped = 0;

  reset(): void {
    this.next.clear();
    this.dropped = 0;
  }

  admit(partition: number, offset: number): boolean {
    const next = this.next.get(partition);
    if (next !== undefined && offset < next) {
      this.dropped++;
      return false;
    }
    this.next.set(partition, offset + 1);
    return true;
  }
}
