import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { BadInputError } from '../../shared/errors';
import { decodeLines } from '../../shared/sourceFiles';
import { createTemplateMiner } from '../../shared/parsing/templateMiner';
import { parseOptions } from '../options';
import { csvField, structureLines, structuredToCsv, templatesToCsv, type StructuredLog } from './structured';

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

/** `sentinel templates FILE --log-format F`: the template miner on its own, for any log file. */
export async function run(raw: unknown) {
  const opts = parseOptions(templatesOptions, raw, 'templates');
  const file = opts.args[0];
  const bytes = await readFile(file).catch((err) => {
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  });
  const started = performance.now();
  const lines = await decodeLines(bytes);
  let log: StructuredLog;
  try {
    log = structureLines(lines, opts.logFormat, createTemplateMiner({ similarityThreshold: opts.similarity, depth: opts.depth }));
  } catch (err) {
    throw new BadInputError(`--log-format "${opts.logFormat}": ${(err as Error).message}`, { cause: err });
  }
  const seconds = (performance.now() - started) / 1000;
  const csv = opts.full ? structuredToCsv(log) : eventsCsv(log);
  if (opts.out) await writeFile(opts.out, csv);
  else process.stdout.write(csv);
  if (opts.templatesOut) await writeFile(opts.templatesOut, templatesToCsv(log));
  const templates = new Set(log.rows.map((r) => r.EventId)).size;
  if (log.unmatchedLines.length)
    process.stderr.write(`sentinel templates: ${log.unmatchedLines.length} lines did not match the format (first: line ${log.unmatchedLines[0]})\n`);
  // With CSV on stdout, the summary goes to stderr to keep stdout a clean CSV.
  const summary = {
    file,
    lines: log.rows.length,
    unmatched: log.unmatchedLines.length,
    templates,
    seconds: Math.round(seconds * 1000) / 1000,
    linesPerSecond: Math.round(log.rows.length / Math.max(seconds, 1e-6)),
  };
  if (!opts.out) {
    process.stderr.write(JSON.stringify(summary) + '\n');
    return undefined;
  }
  return summary;
}
