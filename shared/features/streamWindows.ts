import { addToWindow, newAcc, seal, windowRow, type SilverEvent, type WindowAccumulator, type WindowRow } from './timeWindows';

/**
 * The 1-minute windows of `features`, kept per service as records stream in, and sealed by a
 * watermark: the newest event time seen minus the allowed lateness, taken per Kafka partition and
 * then the lowest of them (partitions are consumed side by side, one may be minutes ahead of another
 * in event time; a partition that has sent nothing yet does not hold the watermark back). A window is sealed once the
 * watermark passes its end; its row (the same `windowRow` as `features`) then waits in `pending`
 * until the caller has scored and written it and calls `release`. Windows a service had no events in
 * are sealed too, empty (silence is a signal), from the service's first window on.
 *
 * Offsets: every window remembers, per Kafka partition, the first offset that counted in it. Until a
 * window is released, the consumer must not commit past that offset (`holds`): after a crash the
 * records are re-delivered and rebuild the window whole.
 */
export interface StreamEvent extends SilverEvent {
  partition: number;
  offset: number;
}

export interface StreamWindowOptions {
  windowSeconds: number;
  allowedLatenessMs: number;
  /** Windows in the rolling mean/std of counts (as `features`: 15). */
  rollingWindows?: number;
  /** A template counts as new in a window when first seen at most this many windows before (as `features`: 10). */
  newTemplateHorizon?: number;
}

interface OpenWindow {
  acc: WindowAccumulator;
  /** Partition → the first (lowest) offset counted in this window. */
  firstOffsets: Map<number, number>;
}

export interface SealedWindow {
  row: WindowRow;
  firstOffsets: Map<number, number>;
}

interface ServiceWindows {
  open: Map<number, OpenWindow>;
  /** The next window index to seal (every index before it is sealed). */
  nextToSeal: number;
  /** Counts of the last sealed windows, oldest first. */
  history: number[];
}

export class StreamWindows {
  private readonly services = new Map<string, ServiceWindows>();
  private readonly windowMs: number;
  private readonly rolling: number;
  private readonly horizon: number;
  /** Partition → its newest event time. */
  private readonly newest = new Map<number, number>();
  private watermarkMs = -Infinity;
  /** Sealed, not yet released, in sealing order. */
  private pendingRows: SealedWindow[] = [];
  /** Events whose window was already sealed: in the landing zone and Bronze, not in the window's features. */
  lateEvents = 0;

  constructor(private readonly options: StreamWindowOptions) {
    this.windowMs = options.windowSeconds * 1000;
    this.rolling = options.rollingWindows ?? 15;
    this.horizon = options.newTemplateHorizon ?? 10;
  }

  /** Event time below which windows are complete. */
  /** Partitions that have sent an event. */
  heardFrom(partition: number): boolean {
    return this.newest.has(partition);
  }

  get watermark(): number {
    return this.watermarkMs;
  }

  /**
   * The partitions that hold the watermark: those assigned to this consumer that have sent a record
   * or may still (the caller drops one that stays silent past an idle timeout). Unset: every partition seen.
   */
  setPartitions(partitions: Iterable<number>): void {
    this.expected = [...partitions];
  }

  private expected: number[] | undefined;

  private updateWatermark(): void {
    let low = Infinity;
    if (this.expected?.length) for (const p of this.expected) low = Math.min(low, this.newest.get(p) ?? -Infinity);
    else for (const t of this.newest.values()) if (t < low) low = t;
    // Never backwards (a partition that joins late, after a rebalance, starts behind).
    if (Number.isFinite(low)) this.watermarkMs = Math.max(this.watermarkMs, low - this.options.allowedLatenessMs);
  }

  /** Adds one event; false when its window is already sealed (a late event). */
  add(e: StreamEvent): boolean {
    const newest = this.newest.get(e.partition);
    if (newest === undefined || e.ts > newest) this.newest.set(e.partition, e.ts);
    const idx = Math.floor(e.ts / this.windowMs);
    let s = this.services.get(e.service);
    if (!s) {
      s = { open: new Map(), nextToSeal: idx, history: [] };
      this.services.set(e.service, s);
    }
    if (idx < s.nextToSeal) {
      this.lateEvents++;
      return false;
    }
    let w = s.open.get(idx);
    if (!w) {
      w = { acc: newAcc(idx), firstOffsets: new Map() };
      s.open.set(idx, w);
    }
    addToWindow(w.acc, e);
    const first = w.firstOffsets.get(e.partition);
    if (first === undefined || e.offset < first) w.firstOffsets.set(e.partition, e.offset);
    return true;
  }

  /** Seals every window whose end the watermark has passed; returns them (also kept in `pending`). */
  seal(firstSeen: ReadonlyMap<string, number>): SealedWindow[] {
    this.updateWatermark();
    const sealBefore = Math.floor(this.watermark / this.windowMs); // windows with index < this have ended
    const out: SealedWindow[] = [];
    for (const service of [...this.services.keys()].sort()) {
      const s = this.services.get(service)!;
      for (; s.nextToSeal < sealBefore; s.nextToSeal++) {
        const w = s.open.get(s.nextToSeal) ?? { acc: newAcc(s.nextToSeal), firstOffsets: new Map<number, number>() };
        s.open.delete(s.nextToSeal);
        seal(w.acc);
        const row = windowRow(service, s.nextToSeal * this.windowMs, this.options.windowSeconds, w.acc, s.history, firstSeen, this.horizon);
        s.history.push(w.acc.count);
        if (s.history.length > this.rolling) s.history.shift();
        out.push({ row, firstOffsets: w.firstOffsets });
      }
    }
    this.pendingRows.push(...out);
    return out;
  }

  get pending(): readonly SealedWindow[] {
    return this.pendingRows;
  }

  /** The caller wrote what these windows gave: their records no longer hold back the commit. */
  release(windows: ReadonlySet<SealedWindow>): void {
    this.pendingRows = this.pendingRows.filter((w) => !windows.has(w));
  }

  /** Partition → the lowest offset still needed by an open or pending window. */
  holds(): Map<number, number> {
    const out = new Map<number, number>();
    const take = (offsets: Map<number, number>) => {
      for (const [p, o] of offsets) if (!out.has(p) || o < out.get(p)!) out.set(p, o);
    };
    for (const s of this.services.values()) for (const w of s.open.values()) take(w.firstOffsets);
    for (const w of this.pendingRows) take(w.firstOffsets);
    return out;
  }

  /** Open windows across services (a gauge). */
  get openWindows(): number {
    let n = 0;
    for (const s of this.services.values()) n += s.open.size;
    return n;
  }
}
