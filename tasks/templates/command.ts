import { once } from 'node:events';
import { access, mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { BadInputError } from '../../shared/errors';
import { compileLogFormat, knownLogFormat, type CompiledLogFormat } from '../../shared/logFormat';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { parseOptions } from '../options';
import { fileLines } from './fileLines';
import { DecimalCounter } from './decimalCounter';
import { IdSpoolReader, IdSpoolWriter } from './idSpool';
import { contentLines } from './contentLines';
import { LineLearner, UNMATCHED } from './lineLearner';
import { csvField, type StructuredLog } from './structured';
import { type OrderedSink, WritesInFlight } from './writesInFlight';

export const templatesOptions = z.object({
  args: z.array(z.string()).length(1, 'give exactly one log file'),
  logFormat: z.string().min(1),
  out: z.string().optional(),
  similarity: z.coerce.number().gt(0).lt(1).optional(),
  depth: z.coerce.number().int().min(3).optional(),
  full: z.boolean().default(false),
  templatesOut: z.string().optional(),
});

/** loghub's minimal structured form: `LineId,EventId,EventTemplate`. */
export function eventsCsv(log: StructuredLog): string {
  return ['LineId,EventId,EventTemplate', ...log.rows.map((r) => [String(r.LineId), r.EventId, r.EventTemplate].map(csvField).join(','))].join('\n') + '\n';
}

/**
 * `sentinel templates FILE --log-format F`: the template miner on its own, for any log file.
 * Streams in two passes, so memory stays flat for any file size: the first learns from every line
 * and spools each line's template number to a temporary file; the second writes every row with
 * its final template (a later line may have merged or generalized it), as loghub's parsers do.
 */
export async function run(raw: unknown) {
  const opts = parseOptions(templatesOptions, raw, 'templates');
  const file = opts.args[0];
  await access(file).catch((err) => {
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  });
  const logFormat = knownLogFormat(opts.logFormat) ?? opts.logFormat;
  let format: CompiledLogFormat;
  try {
    format = compileLogFormat(logFormat);
  } catch (err) {
    throw new BadInputError(`--log-format "${opts.logFormat}": ${(err as Error).message}`, { cause: err });
  }
  const started = performance.now();
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'sentinel-templates-'));
  try {
    const spoolFile = path.join(spoolDir, 'ids');
    const mined = await learnAll(file, logFormat, format, opts, spoolFile);
    const written = await writeRows(file, format, opts, spoolFile, mined);
    const seconds = (performance.now() - started) / 1000;
    if (mined.unmatched) process.stderr.write(`sentinel templates: ${mined.unmatched} lines did not match the format (first: line ${mined.firstUnmatched})\n`);
    // With CSV on stdout, the summary goes to stderr to keep stdout a clean CSV.
    const summary = {
      file,
      lines: mined.lines - mined.unmatched,
      unmatched: mined.unmatched,
      templates: written.templates,
      seconds: Math.round(seconds * 1000) / 1000,
      linesPerSecond: Math.round((mined.lines - mined.unmatched) / Math.max(seconds, 1e-6)),
    };
    if (!opts.out) {
      process.stderr.write(JSON.stringify(summary) + '\n');
      return undefined;
    }
    return summary;
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

interface Mined {
  lines: number;
  unmatched: number;
  firstUnmatched: number;
  /** The final id and template of each spooled number, after the whole file. */
  finalIds: string[];
  finalTemplates: string[];
}

/** First pass: every line that fits the format teaches the miner; its template's number goes to the spool. */
async function learnAll(file: string, logFormat: string, format: CompiledLogFormat, opts: z.infer<typeof templatesOptions>, spoolFile: string): Promise<Mined> {
  const miner = createTemplateMiner({ similarityThreshold: opts.similarity, depth: opts.depth });
  const spool = new IdSpoolWriter(spoolFile);
  const learner = new LineLearner(miner, format, spool);
  try {
    for await (const batch of contentLines(file, logFormat)) learner.learn(batch);
  } catch (err) {
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    spool.close();
  }
  const { lines, unmatched, firstUnmatched, ids } = learner;
  const finalIds = ids.map((id) => miner.resolve(id));
  const finalTemplates = finalIds.map((id) => miner.template(id)?.template ?? '');
  return { lines, unmatched, firstUnmatched, finalIds, finalTemplates };
}

/** Second pass: the CSV rows from the spool (and, with --full, the file again for the header fields). */
async function writeRows(file: string, format: CompiledLogFormat, opts: z.infer<typeof templatesOptions>, spoolFile: string, mined: Mined) {
  const out = await textSink(opts.out);
  const spool = new IdSpoolReader(spoolFile);
  // Per spooled number, the row's tail (`,EventId,EventTemplate`): a few strings, not one per row.
  const tails = mined.finalIds.map((id, n) => `,${csvField(id)},${csvField(mined.finalTemplates[n])}`);
  // Rows per spooled number, and the first row of each: summed per final id at the end.
  const counts = new Float64Array(tails.length);
  const firstRows = new Float64Array(tails.length).fill(Number.POSITIVE_INFINITY);
  try {
    await out.write(opts.full ? ['LineId', ...format.fields, 'EventId', 'EventTemplate'].map(csvField).join(',') + '\n' : 'LineId,EventId,EventTemplate\n');
    let lineId = 0;
    const emit = (n: number, line: string): string => {
      if (counts[n]++ === 0) firstRows[n] = lineId;
      const fields = format.match(line);
      if (!fields) throw new Error(`${file}: line ${lineId} no longer fits the format (the file changed while it was read?)`);
      return `${lineId},${format.fields.map((f) => csvField(fields[f] ?? '')).join(',')}${tails[n]}\n`;
    };
    if (opts.full) {
      for await (const batch of fileLines(file)) {
        let text = '';
        for (const line of batch) {
          lineId++;
          const n = spool.next();
          if (n !== UNMATCHED) text += emit(n, line);
        }
        await out.write(text);
      }
    } else {
      // Rows as bytes: the line number's digits, then the tail's bytes (encoded once per number).
      const tailBytes = tails.map((tail) => Buffer.from(`${tail}\n`, 'utf8'));
      const BATCH = 16_384;
      const rowBytes = 16 + Math.max(0, ...tailBytes.map((t) => t.length));
      const lineNumber = new DecimalCounter();
      const writes = new WritesInFlight(out, WRITES_IN_FLIGHT);
      while (lineId < mined.lines) {
        let buffer = writes.buffer(Math.min(BATCH, mined.lines - lineId) * rowBytes);
        let used = 0;
        for (const end = Math.min(mined.lines, lineId + BATCH); lineId < end; ) {
          lineId++;
          lineNumber.increment();
          const n = spool.next();
          if (n === UNMATCHED) continue;
          if (counts[n]++ === 0) firstRows[n] = lineId;
          const tail = tailBytes[n];
          if (used + 20 + tail.length > buffer.length) {
            const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + 20 + tail.length));
            grown.set(buffer.subarray(0, used));
            buffer = grown;
          }
          used = lineNumber.writeTo(buffer, used);
          buffer.set(tail, used);
          used += tail.length;
        }
        await writes.write(buffer, used);
      }
      await writes.finish();
    }
    if (lineId !== mined.lines)
      throw new Error(`${file}: ${lineId} lines on the second read, ${mined.lines} on the first (the file changed while it was read?)`);
    await out.commit();
  } catch (err) {
    await out.abandon();
    throw err;
  } finally {
    spool.close();
  }
  // Occurrences per final id, in order of first appearance (several numbers may share a final id).
  const occurrences = new Map<string, number>();
  const firstRowOf = new Map<string, number>();
  mined.finalIds.forEach((id, n) => {
    if (counts[n] === 0) return;
    occurrences.set(id, (occurrences.get(id) ?? 0) + counts[n]);
    firstRowOf.set(id, Math.min(firstRowOf.get(id) ?? Number.POSITIVE_INFINITY, firstRows[n]));
  });
  if (opts.templatesOut) {
    // loghub's `_templates.csv`: `EventId,EventTemplate,Occurrences`, in order of first appearance.
    const templateOf = new Map(mined.finalIds.map((id, n) => [id, mined.finalTemplates[n]]));
    const inOrder = [...occurrences].sort((a, b) => firstRowOf.get(a[0])! - firstRowOf.get(b[0])!);
    const sink = await textSink(opts.templatesOut);
    let text = 'EventId,EventTemplate,Occurrences\n';
    for (const [id, count] of inOrder) text += `${csvField(id)},${csvField(templateOf.get(id) ?? '')},${count}\n`;
    await sink.write(text);
    await sink.commit();
  }
  return { templates: occurrences.size };
}

/** Row batches being written while the next is built (about 1 MB each). */
const WRITES_IN_FLIGHT = 3;

interface TextSink extends OrderedSink {
  /** Writes after everything written before (calls may overlap: each takes its place when called). */
  write(text: string | Uint8Array): Promise<void>;
  /** Makes the output visible: a file appears whole under its name, or not at all. */
  commit(): Promise<void>;
  abandon(): Promise<void>;
}

/** stdout, or a file written beside its final name and renamed into place. */
async function textSink(file: string | undefined): Promise<TextSink> {
  if (!file) {
    return {
      async write(text) {
        if (text.length > 0 && !process.stdout.write(text)) await once(process.stdout, 'drain');
      },
      reusesBuffers: false,
      async commit() {},
      async abandon() {},
    };
  }
  const partial = `${file}.${process.pid}.partial`;
  let handle: FileHandle | undefined = await open(partial, 'w').catch((err) => {
    throw new BadInputError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  });
  // Each write takes its place in the file when it is called: several may be in flight at once.
  let position = 0;
  return {
    async write(text) {
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      if (bytes.length === 0) return;
      const at = position;
      position += bytes.length;
      await handle!.write(bytes, 0, bytes.length, at);
    },
    reusesBuffers: true,
    async commit() {
      await handle!.close();
      handle = undefined;
      await rename(partial, file);
    },
    async abandon() {
      await handle?.close();
      await rm(partial, { force: true });
    },
  };
}
