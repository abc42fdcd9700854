import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { PartitionWriter, writePartition, writeUncommitted } from '../../shared/lake';
import { ParquetEncoder } from '../../shared/parquetEncoder';
import { BatchBuilder, ColumnBatchBuilder } from '../../shared/batchBuilder';
import { bronzeLogs, quarantine } from '../../shared/schemas';
import { QualityGateError, BadInputError, GateClosedError } from '../../shared/errors';
import { parseOptions } from '../options';
import type { WritableBatch } from '../../shared/parquet';
import { createLineReaders } from '../../shared/records/lineParser';
import { createJsonRowWriter } from '../../shared/records/jsonRow';
import { emptyCounts, ingestBytes, quarantineShare, type BronzeRow, type IngestCounts, type QuarantineRow } from './ingest';
import { listSource, readBytes, readLinePieces } from '../../shared/sourceFiles';

/** One turn of the event loop: I/O callbacks (the next file's read and gunzip) run, then this resolves. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const ingestOptions = z.object({
  date: z.string(),
  source: z.string().optional(),
  logFormat: z.string().optional(),
  timestampFormat: z.string().optional(),
  service: z.string().optional(),
  maxQuarantineShare: z.coerce.number().min(0).max(1).optional(),
  allowOtherDates: z.boolean().default(false),
  skipIfEmpty: z.boolean().default(false),
  lake: z.string().optional(),
});

/** landing → bronze/logs (+ bronze/quarantine) for one date. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(ingestOptions, raw, 'ingest');
  return runStep(
    { task: 'ingest', partition: opts.date, overrides: { lake: opts.lake, maxQuarantineShare: opts.maxQuarantineShare }, ...step },
    async (ctx) => {
      const listing = await listSource(opts.source, ctx.lake, opts.date, {
        forcePathStyle: ctx.config.s3ForcePathStyle,
        lake: ctx.config.lake,
        sourceRoots: ctx.config.sourceRoots,
      });
      if (listing.keys.length === 0) {
        // A scheduled run of a day whose logs never landed (a new deployment): skipped, not failed.
        if (opts.skipIfEmpty) throw new GateClosedError(`no input files in ${listing.describe}: nothing to ingest for ${opts.date}`);
        throw new BadInputError(`no input files in ${listing.describe}: run \`sentinel generate\`, copy logs there, or pass --source`);
      }
      // The Parquet worker starts while the first file is read and decompressed.
      ParquetEncoder.shared().warmUp(bronzeLogs);
      const { parseLine, parseTs, from, to } = createLineReaders(opts);
      const counts: IngestCounts = emptyCounts();
      const quarantined: QuarantineRow[] = [];
      // Each part is serialized by bronzeWriter.write before the next row is written (see lendBuffers).
      const records = new ColumnBatchBuilder<BronzeRow>(bronzeLogs, ctx.config.rowsPerPart, undefined, { lendBuffers: true });
      const writeJson = createJsonRowWriter(opts, parseTs, records, from, to);

      /** A file's whole lines (`bytes`), after `linesBefore` lines of it: its parts, quarantine rows kept. */
      async function* ingestPiece(key: string, bytes: Buffer, linesBefore: number): AsyncGenerator<WritableBatch> {
        for (const item of ingestBytes({ name: key, bytes, linesBefore }, writeJson, parseLine, records, counts)) {
          if (item.kind === 'quarantine') quarantined.push(item.row);
          else if (item.kind === 'pause') await yieldToEventLoop();
          else yield item.batch;
        }
      }

      async function* bronzeBatches(): AsyncGenerator<WritableBatch> {
        // The first file is decompressed as a stream and parsed as its pieces arrive (nothing to
        // overlap its gunzip with otherwise); each next file is fetched and decompressed whole
        // while the one before it is parsed.
        let next: Promise<Buffer> | undefined = listing.keys.length > 1 ? readBytes(listing.store, listing.keys[1]) : undefined;
        next?.catch(() => undefined); // awaited on its turn, which rethrows
        for (let k = 0; k < listing.keys.length; k++) {
          const key = listing.keys[k];
          const readBefore = counts.read;
          if (k === 0) for await (const piece of readLinePieces(listing.store, key)) yield* ingestPiece(key, piece, counts.read - readBefore);
          else {
            const bytes = await next!;
            next = k + 1 < listing.keys.length ? readBytes(listing.store, listing.keys[k + 1]) : undefined;
            next?.catch(() => undefined);
            yield* ingestPiece(key, bytes, 0);
          }
          ctx.log.debug({ file: key, read: counts.read }, 'file ingested');
        }
        if (records.rows > 0) yield records.flush();
      }

      // Bronze parts are written as they fill, but committed only once the run passes the gate.
      const bronzeWriter = new PartitionWriter(ctx.lake, bronzeLogs, opts.date, ctx.runId);
      for await (const batch of bronzeBatches()) await bronzeWriter.write(batch);
      const qBuilder = new BatchBuilder<QuarantineRow>(quarantine, Number.MAX_SAFE_INTEGER);
      for (const q of quarantined) qBuilder.push(q);

      if (counts.read !== counts.written + counts.quarantined + counts.blank) {
        throw new Error(`ingest lost records: read ${counts.read}, written ${counts.written}, quarantined ${counts.quarantined}, blank ${counts.blank}`);
      }
      const share = quarantineShare(counts);
      const summary = { date: opts.date, source: listing.describe, ...counts, quarantineShare: Number(share.toFixed(6)) };
      if (counts.quarantined > 0) {
        const sample = quarantined.slice(0, 3).map((q) => `${q.source_file}:${q.source_line}: ${q.reason}`);
        ctx.log.warn({ quarantined: counts.quarantined, reasons: counts.reasons, sample }, 'records quarantined (see bronze/quarantine)');
      }
      if (share > ctx.config.maxQuarantineShare) {
        // A rejected run commits nothing: the previous commit stays current. Its quarantine report is
        // kept uncommitted for inspection (vacuum removes it, like the uncommitted Bronze parts).
        const report = await writeUncommitted(ctx.lake, quarantine, opts.date, `rejected-${ctx.runId}`, qBuilder.flush());
        const first = quarantined[0];
        throw new QualityGateError(
          `${counts.quarantined} of ${counts.read} records (${(share * 100).toFixed(1)} %) were quarantined for ${opts.date}, over the limit of ${(ctx.config.maxQuarantineShare * 100).toFixed(1)} %. ` +
            `First: ${first.source_file} line ${first.source_line}: ${first.reason}. Nothing was committed; the quarantine report kept at ${ctx.lake.uri}${report}. ` +
            `Fix the input or the --log-format/--timestamp-format, or raise --max-quarantine-share.`,
        );
      }

      // The quarantine first, then Bronze naming it: parse refuses a Bronze whose quarantine is another run's.
      await writePartition(ctx.lake, quarantine, opts.date, [qBuilder.flush()], { runId: ctx.runId, extra: { reasons: counts.reasons } });
      const bronze = await bronzeWriter.commit({ extra: { counts }, companions: { quarantine: ctx.runId } });
      if (bronze.rows !== counts.written) throw new Error(`ingest lost records: counted ${counts.written}, Bronze holds ${bronze.rows}`);
      return summary;
    },
  );
}
