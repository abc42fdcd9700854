import type { Vector } from 'apache-arrow';
import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { checkCompanion, PartitionWriter, readCommittedAheadWithBytes, readManifest, requireManifest } from '../../shared/lake';
import { bronzeLogs, quarantine, silverLogs } from '../../shared/schemas';
import type { WritableBatch } from '../../shared/parquet';
import { parseOptions } from '../options';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { NumberedShapes, SHAPES_PER_CALL } from '../../shared/parsing/numberedShapes';
import { loadFirstSeen, loadMinerState, previousSnapshotDate, recordFirstSeen, saveSnapshot, snapshotRunId } from '../../shared/templateStore';
import { InconsistentCommitError } from '../../shared/errors';
import { normalizeMessage } from '../../shared/parsing/normalizeMessage';
import { Utf8RowCursor, utf8Strings } from '../../shared/utf8Column';
import { CodedUtf8Column } from '../../shared/codedUtf8Column';
import { ParamsColumn } from '../../shared/parsing/paramsColumn';
import { int64Number } from '../../shared/int64';
import { mayNeedTrim } from './serviceTrim';
import { ParquetDecoder } from '../../shared/parquetDecoder';
import { ViewPool } from '../../shared/bufferPool';

export const parseStepOptions = z.object({ date: z.string(), lake: z.string().optional() });

/**
 * The Bronze columns parse reads, as Arrow vectors (the time as its int64s: a float per row made
 * half a CPU second on 1M logs). Silver's other Bronze columns, and these when parse changed none
 * of a part's values (the usual case), are the Bronze part's column chunks, taken as bytes
 * (`PartitionWriter.writeOnto`): neither decoded nor encoded again.
 */
const READ_AS_ARROW = ['ts', 'message', 'service'];

/**
 * Rows mined between two turns of the event loop. The next Bronze part is read (a local file in
 * 512 KB reads, each a callback) and handed to the decoding worker only on the event loop: mining
 * a whole part without a turn left that read for the end of the part, and the main thread then
 * waited for the decoding. 1,024 rows are about 3 ms of mining; a turn costs a few µs.
 */
const PAUSE_ROWS = 1024;

/** One turn of the event loop: I/O callbacks (the next part's read, the workers' replies) run, then this resolves. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The messages of a part with the normalized ones in their rows. */
function withNormalized(messages: Vector, normalized: ReadonlyMap<number, string>): (string | null)[] {
  const out = utf8Strings(messages);
  for (const [row, message] of normalized) out[row] = message;
  return out;
}

/** bronze/logs → silver/logs for one date, mining templates with the persisted template store. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(parseStepOptions, raw, 'parse');
  return runStep({ task: 'parse', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    // The decoding worker starts (thread, module, wasm: ~0.1 s) while the template store is loaded;
    // the main thread waits for its first part otherwise.
    ParquetDecoder.shared().warmUp();
    // The snapshot this run continues from must be the one its date's Silver names: a parse of that
    // date that stopped between its commits left a snapshot of a Silver never committed.
    const previous = await previousSnapshotDate(ctx.lake, opts.date);
    if (previous) {
      const previousSilver = await readManifest(ctx.lake, silverLogs, previous);
      if (!previousSilver)
        throw new InconsistentCommitError(
          `the template snapshot of ${previous} has no committed Silver: a run of parse stopped between its commits. Rerun parse for ${previous} (\`sentinel parse --date ${previous}\`).`,
        );
      checkCompanion(previousSilver, 'templates', await snapshotRunId(ctx.lake, previous), 'parse');
    }
    const miner = createTemplateMiner(undefined, await loadMinerState(ctx.lake, opts.date));
    const firstSeen = await loadFirstSeen(ctx.lake, opts.date, false);
    const templatesBefore = firstSeen.size;
    // Bronze must go with the quarantine its ingest run committed (crash between ingest's commits).
    const bronzeManifest = await requireManifest(ctx.lake, bronzeLogs, opts.date, `run \`sentinel ingest --date ${opts.date}\` first`);
    checkCompanion(bronzeManifest, 'quarantine', (await readManifest(ctx.lake, quarantine, opts.date))?.runId, 'ingest');
    // Column by column: Silver is Bronze (same part sizes) with the message normalized and three
    // columns added, so no per-row objects are built (they made GC a fifth of the step's time).
    // Columns parse does not change go from the Bronze part's bytes straight into Silver (decision 100).
    // Template ids and templates repeat a few hundred values over millions of rows: a code per row.
    // These three columns lend their buffers: a Silver part is serialized when it is written, before
    // the next part is mined into the same memory (no new memory per part for the collector to find).
    const templateIds = new CodedUtf8Column(true);
    const templateTexts = new CodedUtf8Column(true);
    // The parameters of each row as the bytes of their JSON array, written from the message.
    const params = new ParamsColumn(true);
    // Per row of a part: the codes of its template id and template, in buffers kept from part to part.
    let idCodes = new Int32Array(0);
    let textCodes = new Int32Array(0);
    const numberedShapes = new NumberedShapes(miner);
    /**
     * Per template id: its codes in the two columns and its earliest time in the current part. One
     * lookup per row instead of three (two codes and the first sighting); a template's text can
     * change as Drain generalizes it, so the text code is checked against the text.
     */
    const seen = new Map<string, { idCode: number; template: string; textCode: number; first: number }>();
    /**
     * Bronze parts' bytes, read into the same few buffers: the part being read, the part being
     * mined, and a part or two still being spliced into Silver (the writer keeps two in flight).
     * A new ~5 MB buffer per part, and a copy for the decoding thread, left the main thread's
     * malloc heap to grow with the number of parts (docs/decisions.md 106).
     */
    const bronzeBytes = new ViewPool(4);
    /** Silver's columns parse computes for each Bronze part, and that part's bytes, which hold the others. */
    async function* silverBatches(): AsyncGenerator<{ computed: WritableBatch; base: Uint8Array; source: string }> {
      // The next part is decoded on another thread while this one is mined (shared/parquetDecoder.ts).
      // Reused: a part's vectors are read until its Silver batch is written (serialized when
      // `PartitionWriter.writeOnto` is called, before this generator resumes), then the next part
      // but one is decoded into their buffers.
      const bronzeParts = readCommittedAheadWithBytes(ctx.lake, bronzeLogs, bronzeManifest, {
        columns: READ_AS_ARROW,
        arrow: READ_AS_ARROW,
        reuse: true,
        into: bronzeBytes,
      });
      for await (const { batch: bronze, bytes, source } of bronzeParts) {
        const { message: messageVector, service: serviceVector, ts: tsVector } = bronze.arrow!;
        const n = bronze.rows;
        // Milliseconds since the epoch; ingest writes no row without a time, but a null stays out of first sightings, as before.
        // Read from the int64's 32-bit halves (int64Number): `Number(ts[i])` made a BigInt per row.
        const tsInt64 = tsVector.toArray() as BigInt64Array;
        const tsHalves = new Int32Array(tsInt64.buffer, tsInt64.byteOffset, 2 * tsInt64.length);
        const tsMissing = tsVector.nullCount > 0;
        // Service names as strings only when trimming might change one (rarely): else the vector read.
        const service = mayNeedTrim(serviceVector) ? utf8Strings(serviceVector) : undefined;
        // Messages are mined from their bytes where a remembered shape fits them (most rows), and
        // only the others are decoded, one at a time (decision 98). The few a normalization
        // changed are kept by row.
        const messages = new Utf8RowCursor(messageVector);
        const normalized = new Map<number, string>();
        let trimmed = false;
        if (idCodes.length < n) {
          idCodes = new Int32Array(n);
          textCodes = new Int32Array(n);
        }
        // Every row's codes are written below; only the vectors built from them are kept.
        const templateId = idCodes.subarray(0, n);
        const template = textCodes.subarray(0, n);
        // Shapes are numbered in WebAssembly a few hundred rows at a time (decision 116), within one chunk of the column.
        numberedShapes.restart();
        for (let i = 0; i < n; i++) {
          if (numberedShapes.needsCall(i)) {
            const rows = messages.rowsInChunk(i, SHAPES_PER_CALL);
            const offsets = messages.chunkOffsets;
            numberedShapes.number(i, rows, messages.bytes, offsets, offsets.subarray(1), messages.chunkRow(i));
          }
          messages.at(i);
          params.startRow();
          const shape = numberedShapes.shapeOf(i);
          let mined = shape
            ? miner.addShapeTo(shape, messages.bytes, messages.start, messages.end, params)
            : miner.addBytesTo(messages.bytes, messages.start, messages.end, params);
          if (mined === null) {
            const original = messages.text();
            const message = normalizeMessage(original);
            if (message !== original) normalized.set(i, message);
            mined = miner.addTo(message, params);
          }
          params.endRow();
          const ms = int64Number(tsHalves, i);
          let entry = seen.get(mined.templateId);
          if (entry === undefined) {
            entry = { idCode: templateIds.code(mined.templateId), template: mined.template, textCode: templateTexts.code(mined.template), first: Infinity };
            seen.set(mined.templateId, entry);
          } else if (entry.template !== mined.template) {
            entry.template = mined.template;
            entry.textCode = templateTexts.code(mined.template);
          }
          // Without nulls the earliest time per part is the same as the rule applied row by row
          // (recordFirstSeen is a minimum); a null time (NaN) keeps the rule's order, row by row.
          if (tsMissing) recordFirstSeen(firstSeen, mined.templateId, tsVector.isValid(i) ? ms : NaN);
          else if (ms < entry.first) entry.first = ms;
          if (service) {
            const name = String(service[i]).trim();
            if (name !== service[i]) {
              service[i] = name;
              trimmed = true;
            }
          }
          templateId[i] = entry.idCode;
          template[i] = entry.textCode;
          if ((i & (PAUSE_ROWS - 1)) === PAUSE_ROWS - 1) await yieldToEventLoop();
        }
        for (const [id, entry] of seen) {
          if (entry.first !== Infinity) recordFirstSeen(firstSeen, id, entry.first);
          entry.first = Infinity;
        }
        // The message and the service only when parse changed one of the part's values: else Bronze's chunks.
        yield {
          computed: {
            rows: n,
            columns: {
              ...(service && trimmed ? { service } : {}),
              ...(normalized.size ? { message: withNormalized(messageVector, normalized) } : {}),
              template_id: templateIds.vector(templateId),
              template: templateTexts.vector(template),
              params: params.vector(),
            },
          },
          base: bytes,
          source,
        };
      }
    }

    // The snapshot first, then Silver naming it: features refuses a Silver whose snapshot is another run's.
    const silver = new PartitionWriter(ctx.lake, silverLogs, opts.date, ctx.runId);
    // A Bronze part's bytes go back to the pool once spliced into its Silver part, not before.
    for await (const { computed, base, source } of silverBatches()) await silver.writeOnto(computed, base, source, () => bronzeBytes.give(base));
    await saveSnapshot(ctx.lake, opts.date, miner.toState(), firstSeen, ctx.runId);
    const manifest = await silver.commit({ companions: { templates: ctx.runId } });
    const templates = firstSeen.size;
    return { date: opts.date, rows: manifest.rows, templates, newTemplates: templates - templatesBefore };
  });
}
