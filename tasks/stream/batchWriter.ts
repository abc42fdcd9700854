import type pg from 'pg';
import { inTransaction } from '../../shared/db/database';
import { upsertAnomalies, type AnomalyRow } from '../../shared/db/anomalies';
import type { ConsumerGroupStream, KafkaProducer } from '../../shared/kafka';
import type { Logger } from '../../shared/logger';
import type { StreamAlerter } from './alerter';
import type { LandingWriter } from './landing';
import { decisionLatencies } from './latency';
import type { StreamMetrics } from './metrics';
import type { BatchOutcome, IncomingRecord } from './processor';
import type { PartitionProgress, ProgressStore } from './progress';

/**
 * A processed batch's writes, side by side: the dead-letter topic, the landing parts, and the
 * anomalies (with the alerts they raise) followed by the progress they complete (never the progress
 * first: a crash between the two would skip windows whose anomalies were not written). Then the
 * commit, for the assignment the batch was read under and partitions still ours, and the metrics.
 */
export interface ProcessedBatch {
  /** The rebalance generation the batch was read under. */
  startedIn: number;
  records: IncomingRecord[];
  outcome: BatchOutcome;
  rows: AnomalyRow[];
  /** Partition → the offset to commit once the writes are done. */
  next: Map<number, number>;
  snapshots: { partition: number; progress: PartitionProgress }[];
  windowAnomalies: AnomalyRow[];
  sessionAnomalies: number;
  stats: { lateEvents: number; sessionEventsNotCounted: number; openSessions: number; openWindows: number; watermarkMs: number };
  landing: LandingWriter;
  progress: ProgressStore;
}

export interface BatchTotals {
  records: number;
  landed: number;
  quarantined: number;
  newTemplates: number;
  windowAnomalies: number;
  sessionAnomalies: number;
  batches: number;
}

export interface BatchWriterDeps {
  producer: KafkaProducer;
  pool: pg.Pool;
  alerter: StreamAlerter;
  consumer: ConsumerGroupStream;
  topic: string;
  deadLetterTopic: string;
  windowMs: number;
  latenessMs: number;
  metrics: StreamMetrics;
  totals: BatchTotals;
  phases: { writes: number; commit: number };
  generation: () => number;
  /** The offsets the broker confirmed for a batch (not called when its commit was skipped). */
  onCommitted: (offsets: ReadonlyMap<number, number>) => void;
  log: Logger;
}

/** An offset commit slower than this is given up (the batch's writes stand; its records come again). */
const COMMIT_TIMEOUT_MS = 15_000;

class CommitTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommitTimeout(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function createBatchWriter(d: BatchWriterDeps): (b: ProcessedBatch) => Promise<void> {
  const { metrics, totals } = d;
  return async (b) => {
    const { records, outcome, rows, next } = b;
    const started = performance.now();
    let alertsQueued = false;
    const [, landed] = await Promise.all([
      d.producer.send(
        outcome.quarantined.map((q) => ({
          topic: d.deadLetterTopic,
          key: `${q.record.topic}:${q.record.partition}:${q.record.offset}`,
          value: q.line,
          headers: { reason: q.reason, reason_key: q.key, topic: q.record.topic, partition: String(q.record.partition), offset: String(q.record.offset) },
        })),
      ),
      b.landing.write(outcome.landing),
      (async () => {
        // The anomalies and the alerts they raise in one transaction: a re-delivery extends the same alerts.
        if (rows.length)
          await inTransaction(d.pool, async (client) => {
            await upsertAnomalies(client, rows);
            if (await d.alerter.raise(client, rows)) alertsQueued = true;
          });
        await Promise.all(b.snapshots.map((s) => b.progress.save(s.partition, s.progress)));
      })(),
    ]);
    const written = performance.now();
    d.phases.writes += written - started;
    if (d.generation() !== b.startedIn) return;
    const mine = new Set(d.consumer.assigned(d.topic));
    for (const p of [...next.keys()]) if (!mine.has(p)) next.delete(p);
    try {
      await withTimeout(d.consumer.commitOffsets(d.topic, next), COMMIT_TIMEOUT_MS, 'offset commit');
      d.onCommitted(next);
    } catch (err) {
      // A commit refused or held up by a rebalance (the client rejoins the group inside its commit
      // and may not come back) is skipped: the writes are done, the records come again to whoever
      // owns the partition next, and the next batch commits past them. Anything else is an error.
      if (d.generation() === b.startedIn && !(err instanceof CommitTimeout)) throw err;
      d.log.warn({ err, partitions: Object.fromEntries(next) }, 'offset commit skipped (rebalance); the records are re-delivered');
    }
    d.phases.commit += performance.now() - written;
    if (alertsQueued) d.alerter.kick();

    const now = Date.now();
    for (const r of records) metrics.latency.record.observe((now - r.producedAt) / 1000);
    for (const t of outcome.newTemplates) metrics.latency.new_template.observe((now - t.producedAt) / 1000);
    for (const seconds of decisionLatencies(b.windowAnomalies, records, outcome, d.windowMs, d.latenessMs, now)) metrics.latency.window.observe(seconds);
    metrics.recordsIn += records.length;
    metrics.recordsLanded += landed.lines;
    metrics.quarantined += outcome.quarantined.length;
    metrics.lateEvents = b.stats.lateEvents;
    metrics.sessionEventsNotCounted = b.stats.sessionEventsNotCounted;
    metrics.anomaliesWritten.new_template += outcome.newTemplates.length;
    metrics.anomaliesWritten.window += b.windowAnomalies.length;
    metrics.anomaliesWritten.session += b.sessionAnomalies;
    metrics.openSessions = b.stats.openSessions;
    metrics.batches++;
    metrics.alertsRaised = d.alerter.totals.raised;
    metrics.alertDeliveries = { delivered: d.alerter.totals.delivered, failed: d.alerter.totals.failed, pending: d.alerter.totals.pending };
    metrics.watermarkMs = b.stats.watermarkMs;
    metrics.openWindows = b.stats.openWindows;
    totals.records += records.length;
    totals.landed += landed.lines;
    totals.quarantined += outcome.quarantined.length;
    totals.newTemplates += outcome.newTemplates.length;
    totals.windowAnomalies += b.windowAnomalies.length;
    totals.sessionAnomalies += b.sessionAnomalies;
    totals.batches++;
    if (outcome.quarantined.length) {
      const first = outcome.quarantined[0];
      d.log.warn(
        { quarantined: outcome.quarantined.length, first: `${d.topic}:${first.record.partition}:${first.record.offset}: ${first.reason}` },
        `bad records sent to ${d.deadLetterTopic}`,
      );
    }
  };
}
