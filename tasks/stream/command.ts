import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { BadInputError } from '../../shared/errors';
import { parseSpan } from '../../shared/durations';
import { kafkaSettings, openConsumerGroup, openProducer, type KafkaMessage } from '../../shared/kafka';
import { createLineParser } from '../../shared/records/lineParser';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { loadFirstSeen, loadMinerState } from '../../shared/templateStore';
import { StreamWindows } from '../../shared/features/streamWindows';
import { StreamSessions } from '../../shared/features/streamSessions';
import { sessionKeyExtractor, type SessionKeyExtractor } from '../../shared/features/sessions';
import { SessionScorer } from './sessionScorer';
import { LAST_DATE } from '../../shared/dates';
import { parseOptions } from '../options';
import { StreamProcessor, type IncomingRecord } from './processor';
import { createBatchWriter } from './batchWriter';
import { LandingWriter } from './landing';
import { ProgressStore } from './progress';
import { WindowScorer } from './windowScorer';
import { ModelWatcher } from './modelWatcher';
import { newTemplateRows } from './templateAnomalies';
import { StreamMetrics } from './metrics';
import { startServer } from './server';
import { OffsetGate } from './offsetGate';
import { StreamAlerter } from './alerter';
import { channelsFromConfig } from '../../shared/alerting/channels';

export const streamOptions = z.object({
  topic: z.string().min(1),
  group: z.string().min(1).default('sentinel-stream'),
  logFormat: z.string().optional(),
  timestampFormat: z.string().optional(),
  service: z.string().optional(),
  window: z.string().default('1m'),
  sessionKey: z.string().default('session_id'),
  sessionGap: z.string().default('30m'),
  allowedLateness: z.string().default('30s'),
  maxFuture: z.string().default('1h'),
  deadLetterTopic: z.string().optional(),
  offsetReset: z.enum(['earliest', 'latest']).default('earliest'),
  name: z.string().default('sentinel'),
  batchRecords: z.coerce.number().int().positive().default(20_000),
  batchMs: z.coerce.number().int().positive().default(100),
  port: z.coerce.number().int().min(0).max(65535).default(9464),
  modelCheckSeconds: z.coerce.number().positive().default(5),
  lake: z.string().optional(),
});

export type StreamOptions = z.infer<typeof streamOptions>;

/**
 * Kafka topic → per record: parse (as `ingest`), template mining (a never-seen template is an
 * anomaly at once), landing; per service window sealed by the watermark: the production model's
 * verdict (as `score`). Each micro-batch is written (dead-letter topic, landing parts, anomalies)
 * before its offsets are committed, and records of windows not yet decided hold the commit back, so
 * a crash re-delivers them and rebuilds the windows whole. SIGTERM drains, writes, commits, exits.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(streamOptions, raw, 'stream');
  const windowSeconds = parseSpan(opts.window, '--window');
  if (windowSeconds <= 0 || 86_400 % windowSeconds !== 0) throw new BadInputError(`--window ${opts.window} must divide a day evenly`);
  const windowMs = windowSeconds * 1000;
  const latenessMs = parseSpan(opts.allowedLateness, '--allowed-lateness') * 1000;
  // Records further ahead of this process's clock go to the dead-letter topic (futureGuard.ts).
  const maxFuture = { ms: parseSpan(opts.maxFuture, '--max-future') * 1000, text: opts.maxFuture.trim() };
  // Sessions as `features` keeps them; the stream closes them by gap, so it needs a finite one.
  const sessionGapMs = parseSpan(opts.sessionGap, '--session-gap') * 1000;
  if (!(sessionGapMs > 0))
    throw new BadInputError(`--session-gap ${opts.sessionGap}: the stream closes sessions by their gap; use a positive duration such as 30m`);
  let keyOf: SessionKeyExtractor;
  try {
    keyOf = sessionKeyExtractor(opts.sessionKey);
  } catch (err) {
    throw new BadInputError(`invalid --session-key "${opts.sessionKey}": ${(err as Error).message}`, { cause: err });
  }
  const deadLetterTopic = opts.deadLetterTopic ?? `${opts.topic}.dlq`;
  // The timestamp parser guesses the year of year-less formats from this date: today, at the edge.
  const parseLine = createLineParser({ ...opts, date: new Date().toISOString().slice(0, 10), allowOtherDates: true });

  return runStep({ task: 'stream', overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const { pool } = await ctx.db();
    const metrics = new StreamMetrics();
    const models = new ModelWatcher(pool, ctx.lake, opts.name, ctx.log);
    await models.check();
    if (!models.current) ctx.log.warn({ model: opts.name }, 'no production model yet: windows are not scored until one is promoted (new templates still are)');
    metrics.modelVersion = models.current?.version ?? 0;

    // The template store as the last daily parse left it; templates created here live in this process.
    // No message-shape cache in a long-running process: it only grew memory here (decision 75).
    const miner = createTemplateMiner(undefined, await loadMinerState(ctx.lake, LAST_DATE), { messageShapes: false });
    const firstSeen = await loadFirstSeen(ctx.lake, LAST_DATE, true);
    /** New templates of batches dropped at a rebalance: reported again with their next record (processor.ts). */
    const unwrittenNewTemplates = new Set<string>();
    /**
     * Everything kept per partition (windows, rolling history, landing cursors, the progress loaded):
     * dropped at each rebalance and rebuilt from the committed offsets, as after a restart, so a
     * partition that leaves and comes back never resumes from stale state. The template miner stays
     * (its ids are hashes of the creating text, the same whoever mines them).
     */
    const freshState = () => {
      const windows = new StreamWindows({ windowSeconds, allowedLatenessMs: latenessMs });
      const sessions = new StreamSessions(keyOf, sessionGapMs);
      return {
        windows,
        sessions,
        processor: new StreamProcessor(parseLine, miner, firstSeen, windows, sessions, maxFuture, unwrittenNewTemplates),
        scorer: new WindowScorer(),
        sessionScorer: new SessionScorer(),
        landing: new LandingWriter(ctx.lake, opts.topic),
        progress: new ProgressStore(ctx.lake, opts.group, opts.topic),
      };
    };
    let state = freshState();
    const cfg = ctx.config;
    const alerter = new StreamAlerter(
      pool,
      channelsFromConfig(cfg),
      { groupGapMs: cfg.alertGroupGapMinutes * 60_000, cooldownMs: cfg.alertCooldownMinutes * 60_000 },
      cfg.alertDeliveryConcurrency,
      ctx.log,
    );
    // Deliveries a previous run queued and did not send (a crash, a webhook outage) go first.
    alerter.kick();

    const settings = kafkaSettings(ctx.config, `sentinel-stream-${ctx.runId}`);
    const producer = openProducer(settings);
    const consumer = await openConsumerGroup(settings, { group: opts.group, topic: opts.topic, from: opts.offsetReset });
    let lastLoop = Date.now();
    let stopping = false;
    const server = await startServer(opts.port, metrics, {
      live: () => Date.now() - lastLoop < 60_000,
      ready: () => !stopping && models.current !== undefined,
    });
    const port = (server.address() as AddressInfo).port;
    ctx.log.info({ topic: opts.topic, group: opts.group, deadLetterTopic, port, model: models.current?.version ?? null }, 'stream consuming');

    const buffer: KafkaMessage[] = [];
    let firstArrival = 0;
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    // Rebalances: each one bumps the generation (a batch that straddles it writes what it started
    // but commits nothing: its state is gone) and empties the buffer. Once the new assignment is
    // known, the loop opens a new message stream from the committed offsets and starts the
    // per-partition state afresh; until then, nothing consumed is kept.
    const gate = new OffsetGate();
    let generation = 0;
    let accepting = true;
    let restartPending = false;
    let rebalancingSince = 0;
    consumer.onRebalance({
      rebalancing() {
        generation++;
        accepting = false;
        rebalancingSince = Date.now();
        buffer.length = 0;
        wake?.();
      },
      assigned() {
        generation++;
        accepting = false;
        buffer.length = 0;
        restartPending = true;
        wake?.();
      },
    });
    const attach = (stream: typeof consumer.stream) => {
      stream.on('data', (m: KafkaMessage) => {
        if (stream !== consumer.stream || !accepting || !gate.admit(m.partition, Number(m.offset))) return;
        if (!buffer.length) firstArrival = Date.now();
        buffer.push(m);
        // Up to two batches are buffered, so the next one is there when a batch is done (no fetch round trip between batches).
        if (buffer.length >= 2 * opts.batchRecords) {
          stream.pause();
          wake?.();
        }
      });
      stream.on('error', (err: Error) => {
        if (stream !== consumer.stream) return;
        failure = err;
        wake?.();
      });
    };
    attach(consumer.stream);
    const stop = () => {
      stopping = true;
      wake?.();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);

    const committed = new Map<number, number>();
    /**
     * Per partition, the lowest offset a re-delivery can start from: the last commit the broker
     * confirmed, else the first offset consumed since the assignment (where the group's commit was).
     * A snapshot is saved before its own commit, so it must still cover a replay from here.
     */
    const replayFloor = new Map<number, number>();
    let lastModelCheck = Date.now();
    let lastLagCheck = 0;
    /** Milliseconds spent per phase of the micro-batches (in the final log line: where the time goes). */
    const phases = { wait: 0, process: 0, score: 0, writes: 0, commit: 0 };
    const totals = { records: 0, landed: 0, quarantined: 0, newTemplates: 0, windowAnomalies: 0, sessionAnomalies: 0, batches: 0 };

    const writeBatch = createBatchWriter({
      producer,
      pool,
      alerter,
      consumer,
      topic: opts.topic,
      deadLetterTopic,
      windowMs,
      latenessMs,
      metrics,
      totals,
      phases,
      generation: () => generation,
      onCommitted: (offsets) => {
        for (const [p, o] of offsets) replayFloor.set(p, Math.max(replayFloor.get(p) ?? o, o));
      },
      log: ctx.log,
    });
    /** The previous batch's writes and commit, still running while the next batch is processed. */
    let inflight: Promise<void> = Promise.resolve();
    /** One micro-batch: process, write (DLQ, landing, anomalies), then commit what the writes cover. */
    const handle = async (messages: readonly KafkaMessage[]) => {
      const { windows, sessions, processor, scorer, sessionScorer, landing, progress } = state;
      const startedIn = generation;
      const records: IncomingRecord[] = messages.map((m) => ({
        topic: m.topic,
        partition: m.partition,
        offset: Number(m.offset),
        value: m.value ?? '',
        producedAt: Number(m.timestamp),
      }));
      let t = performance.now();
      const lap = (phase: keyof typeof phases) => {
        const now = performance.now();
        phases[phase] += now - t;
        t = now;
      };
      for (const { partition, progress: snapshot } of await progress.loadNew(records.map((r) => r.partition))) {
        windows.restore(partition, snapshot.windows);
        sessions.restore(partition, snapshot.sessions);
      }
      for (const r of records) if (!replayFloor.has(r.partition)) replayFloor.set(r.partition, r.offset);
      const outcome = processor.process(records, Date.now());
      windows.seal(processor.templatesFirstSeen);
      sessions.close((p) => windows.partitionWatermark(p));
      const model = models.current;
      lap('process');
      // Without a model there is nothing to write for a window: it is decided as it seals.
      const scored = model ? await scorer.score(model, windows.pending, false) : { decided: new Set(windows.pending), anomalies: [] };
      const scoredSessions = model ? await sessionScorer.score(model, sessions.pending) : { decided: new Set(sessions.pending), anomalies: [] };
      lap('score');

      // A rebalance during processing: the partitions may be another member's now; write nothing
      // (the records come again from the committed offsets, to whoever owns them).
      const dropped = () => {
        for (const t of outcome.newTemplates) unwrittenNewTemplates.add(t.templateId);
      };
      if (generation !== startedIn) return dropped();
      // Decided now, written next: the windows and sessions just scored are released at once (the
      // next batch does not score them again), and the progress snapshots and commit offsets are
      // taken now, from this batch's state; they are written and committed after its anomalies.
      windows.release(scored.decided);
      sessions.release(scoredSessions.decided);
      const rows = [...newTemplateRows(outcome.newTemplates, windowMs, model, opts.topic), ...scored.anomalies, ...scoredSessions.anomalies];
      // Commit: per partition, the first offset a window or session still needs, else the one after the last record.
      const next = new Map<number, number>();
      for (const r of records) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));
      for (const holds of [windows.holds(), sessions.holds()]) for (const [p, hold] of holds) next.set(p, Math.min(next.get(p) ?? hold, hold));
      for (const [p, o] of [...next]) if (o <= (committed.get(p) ?? -1)) next.delete(p);
      for (const [p, o] of next) committed.set(p, o);
      const snapshots = [...next.keys()].map((p) => ({
        partition: p,
        progress: {
          windows: windows.progress(p),
          sessions: sessions.progress(p, windows.partitionWatermark(p), latenessMs, replayFloor.get(p) ?? 0),
        },
      }));
      const stats = {
        lateEvents: windows.lateEvents,
        sessionEventsNotCounted: sessions.skipped,
        openSessions: sessions.openSessions,
        openWindows: windows.openWindows,
        watermarkMs: Number.isFinite(windows.watermark) ? windows.watermark : 0,
      };
      // Overlap: this batch was processed while the previous one's writes ran; its own wait for those
      // (landing cursors and commits stay in order). At most one batch's writes are in flight.
      await inflight;
      if (failure || generation !== startedIn) return dropped();
      inflight = writeBatch({
        startedIn,
        records,
        outcome,
        rows,
        next,
        snapshots,
        windowAnomalies: scored.anomalies,
        sessionAnomalies: scoredSessions.anomalies.length,
        stats,
        landing,
        progress,
      }).catch((err: Error) => {
        failure = err;
        wake?.();
      });
    };

    try {
      for (;;) {
        lastLoop = Date.now();
        if (failure) throw failure;
        if (!stopping && buffer.length < opts.batchRecords) {
          // Linger: a batch closes at batchRecords or batchMs after its first record.
          const wait = buffer.length ? Math.max(0, firstArrival + opts.batchMs - Date.now()) : opts.batchMs;
          const waitStart = performance.now();
          if (wait > 0)
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, wait);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          wake = undefined;
          phases.wait += performance.now() - waitStart;
        }
        if (failure) throw failure;
        // A rebalance whose assignment never came (the join failed and was retried silently): start over anyway.
        if (!accepting && !restartPending && Date.now() - rebalancingSince > 30_000) restartPending = true;
        if (restartPending && !stopping) {
          restartPending = false;
          // The writes in flight finish (their commit is skipped: another generation) before the state goes.
          await inflight;
          await consumer.restart();
          attach(consumer.stream);
          state = freshState();
          committed.clear();
          replayFloor.clear();
          gate.reset();
          buffer.length = 0;
          accepting = true;
          metrics.rebalances++;
          ctx.log.info(
            { partitions: consumer.assigned(opts.topic), generation },
            'partitions assigned: consuming again from the committed offsets with fresh per-partition state',
          );
        }
        if (Date.now() - lastModelCheck >= opts.modelCheckSeconds * 1000) {
          lastModelCheck = Date.now();
          if (await models.recheck()) {
            metrics.modelSwitches++;
            metrics.modelVersion = models.current!.version;
          }
        }
        if (Date.now() - lastLagCheck >= 5000) {
          lastLagCheck = Date.now();
          consumer.lag(opts.topic).then(
            (lag) => {
              metrics.lag = lag;
            },
            (err: unknown) => ctx.log.debug({ err }, 'lag check failed'),
          );
        }
        if (stopping) {
          consumer.stream.pause();
          await handle(buffer.splice(0));
          await inflight;
          if (failure) throw failure;
          break;
        }
        if (buffer.length && (buffer.length >= opts.batchRecords || Date.now() - firstArrival >= opts.batchMs)) {
          const batch = buffer.splice(0, opts.batchRecords);
          if (buffer.length) firstArrival = Date.now();
          await handle(batch);
          if (consumer.stream.isPaused() && buffer.length < 2 * opts.batchRecords) consumer.stream.resume();
        }
      }
    } finally {
      process.removeListener('SIGTERM', stop);
      process.removeListener('SIGINT', stop);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await consumer.close();
      await producer.close();
      await alerter.drain();
    }
    const phaseMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
    ctx.log.info(
      {
        ...totals,
        alerts: alerter.totals,
        lateEvents: state.windows.lateEvents,
        sessionEventsNotCounted: state.sessions.skipped,
        openWindows: state.windows.openWindows,
        rebalances: metrics.rebalances,
        phaseMs,
      },
      'stream drained and stopped',
    );
    return {
      topic: opts.topic,
      group: opts.group,
      ...totals,
      alerts: alerter.totals,
      lateEvents: state.windows.lateEvents,
      modelVersion: models.current?.version ?? null,
    };
  });
}
