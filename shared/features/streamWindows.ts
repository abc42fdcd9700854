import { addToWindow, newAcc, seal, windowRow, type SilverEvent, type WindowAccumulator, type WindowRow } from './timeWindows';

/**
 * The 1-minute windows of `features`, kept per service as records stream in, and sealed by a
 * watermark: the newest event time on the service's Kafka partition minus the allowed lateness.
 * Records are keyed by service, so a service's records are in order on one partition; partitions are
 * consumed side by side and may be hours apart in event time (after a restart, a rebalance, or while
 * catching up), so one partition's time never seals another's windows. A service that goes silent
 * still gets its empty windows sealed while its partition carries other services' records. A window is sealed once the
 * watermark passes its end; its row (the same `windowRow` as `features`) then waits in `pending`
 * until the caller has scored and written it and calls `release`. Windows a service had no events in
 * are sealed too, empty (silence is a signal), from the service's first window on: the window of its
 * first record, or of its partition's watermark if that is later. The caller keeps event times from
 * the future out (the stream's `--max-future`): one would seal every window up to it.
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
  /** The partition its records come on (records are keyed by service). */
  partition: number;
  open: Map<number, OpenWindow>;
  /** The next window index to seal (every index before it is sealed). */
  nextToSeal: number;
  /** Counts of the last sealed windows, oldest first. */
  history: number[];
  /** Empty windows sealed in a row, up to now (at most a day of them: MAX_SILENT_SECONDS). */
  silentRun: number;
}

/** Where a service's windows stand once the windows written so far are done: enough to resume exactly after a restart. */
export interface ServiceProgress {
  /** The first window not yet decided (its records are re-delivered after a restart). */
  nextToSeal: number;
  /** Counts of the decided windows before it, oldest first. */
  history: number[];
}

const HISTORY_SLACK = 64;

/**
 * A service silent for this long is taken as gone, as Prometheus marks a series stale: its empty
 * windows stop being sealed until it logs again, and the windows in between are not made (counted in
 * `skippedSilentWindows`). One day, as a day's partition of `features` holds only the services seen
 * that day. It bounds what one stale record can do (a partition's first record from long ago, then
 * records of today: every window in between, for every service of the partition) and keeps a
 * decommissioned service from raising a traffic drop every window forever.
 */
const MAX_SILENT_SECONDS = 86_400;

export class StreamWindows {
  /** Partition → the latest first undecided window in its snapshot: its watermark had passed that window's start before the restart. */
  private readonly restoredWatermarkWindow = new Map<number, number>();

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
  /** Empty windows not made because their service had been silent for MAX_SILENT_SECONDS. */
  skippedSilentWindows = 0;
  private readonly maxSilentWindows: number;

  constructor(private readonly options: StreamWindowOptions) {
    this.windowMs = options.windowSeconds * 1000;
    this.rolling = options.rollingWindows ?? 15;
    this.horizon = options.newTemplateHorizon ?? 10;
    this.maxSilentWindows = Math.ceil(MAX_SILENT_SECONDS / options.windowSeconds);
  }

  /** Event time below which windows are complete. */
  /** Partitions that have sent an event. */
  heardFrom(partition: number): boolean {
    return this.newest.has(partition);
  }

  get watermark(): number {
    return this.watermarkMs;
  }

  /** A partition's watermark: its newest event time minus the allowed lateness. */
  partitionWatermark(partition: number): number {
    const newest = this.newest.get(partition);
    return newest === undefined ? -Infinity : newest - this.options.allowedLatenessMs;
  }

  private updateWatermark(): void {
    let low = Infinity;
    for (const p of this.newest.keys()) low = Math.min(low, this.partitionWatermark(p));
    if (Number.isFinite(low)) this.watermarkMs = low;
  }

  /** Adds one event; false when its window is already sealed (a late event). */
  add(e: StreamEvent): boolean {
    const newest = this.newest.get(e.partition);
    if (newest === undefined || e.ts > newest) this.newest.set(e.partition, e.ts);
    const idx = Math.floor(e.ts / this.windowMs);
    let s = this.services.get(e.service);
    if (!s) {
      // A new service starts no earlier than its partition's watermark, or where the partition's
      // snapshot had got to (else the partition's first record starts it where that record is): a stale
      // first record (`"ts": 1`) is a late event, not the start of decades of empty windows (decision 120).
      const watermarkWindow = Math.floor(this.partitionWatermark(e.partition) / this.windowMs);
      const start = Math.max(idx, watermarkWindow, this.restoredWatermarkWindow.get(e.partition) ?? -Infinity);
      s = { partition: e.partition, open: new Map(), nextToSeal: start, history: [], silentRun: 0 };
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
    const out: SealedWindow[] = [];
    for (const service of [...this.services.keys()].sort()) {
      const s = this.services.get(service)!;
      const sealBefore = Math.floor(this.partitionWatermark(s.partition) / this.windowMs); // windows with index < this have ended
      while (s.nextToSeal < sealBefore) {
        const index = s.nextToSeal;
        const open = s.open.get(index);
        if (!open && s.silentRun >= this.maxSilentWindows) {
          // Gone (MAX_SILENT_SECONDS): on to its next window with records, as a new service (no history).
          const resume = Math.min(sealBefore, firstOpenFrom(s.open, index));
          this.skippedSilentWindows += resume - index;
          s.nextToSeal = resume;
          s.history = [];
          continue;
        }
        s.silentRun = open ? 0 : s.silentRun + 1;
        const w = open ?? { acc: newAcc(index), firstOffsets: new Map<number, number>() };
        s.open.delete(index);
        seal(w.acc);
        const row = windowRow(service, index * this.windowMs, this.options.windowSeconds, w.acc, s.history.slice(-this.rolling), firstSeen, this.horizon);
        s.history.push(w.acc.count);
        // Longer than the rolling window: a snapshot drops the counts of windows still pending.
        if (s.history.length > this.rolling + HISTORY_SLACK) s.history.shift();
        out.push({ row, firstOffsets: w.firstOffsets });
        s.nextToSeal++;
      }
    }
    // Not `push(...out)`: a watermark far ahead seals more windows than a call may take arguments.
    for (const w of out) this.pendingRows.push(w);
    return out;
  }

  get pending(): readonly SealedWindow[] {
    return this.pendingRows;
  }

  /** The caller wrote what these windows gave: their records no longer hold back the commit. */
  release(windows: ReadonlySet<SealedWindow>): void {
    this.pendingRows = this.pendingRows.filter((w) => !windows.has(w));
  }

  /**
   * Per service on this partition: the decided windows' progress, for the snapshot written with each
   * commit. After a crash, records of windows before `nextToSeal` are re-delivered but not counted
   * again (their windows were written); the windows from there are rebuilt whole.
   */
  progress(partition: number): Record<string, ServiceProgress> {
    const out: Record<string, ServiceProgress> = {};
    for (const [service, s] of this.services) {
      if (s.partition !== partition) continue;
      const pending = this.pendingRows.filter((w) => w.row.service === service);
      const firstPending = pending.length ? Math.floor(pending[0].row.window_start / this.windowMs) : s.nextToSeal;
      out[service] = { nextToSeal: firstPending, history: s.history.slice(0, s.history.length - pending.length).slice(-this.rolling) };
    }
    return out;
  }

  /**
   * Progress from the snapshot of a partition: its services resume where they were, also those that
   * send nothing now (their records are before the committed offset and never come again): their
   * empty windows are sealed as the partition's watermark passes them, as without the restart.
   */
  restore(partition: number, progress: Record<string, ServiceProgress>): void {
    for (const [service, p] of Object.entries(progress)) {
      if (!this.services.has(service))
        this.services.set(service, { partition, open: new Map(), nextToSeal: p.nextToSeal, history: [...p.history], silentRun: 0 });
      this.restoredWatermarkWindow.set(partition, Math.max(this.restoredWatermarkWindow.get(partition) ?? -Infinity, p.nextToSeal));
    }
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

/** The smallest index of `open` at or after `index` (Infinity when none): where a silent service logs again. */
function firstOpenFrom(open: ReadonlyMap<number, OpenWindow>, index: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (const i of open.keys()) if (i >= index && i < first) first = i;
  return first;
}
