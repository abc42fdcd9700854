/**
 * loghub-style structured output of a text log: every line that fits the log format, with its
 * header fields, its Content, and the template the miner put it in (EventId = template id,
 * EventTemplate = the template after the whole input, as loghub's parsers report it).
 * Pure: lines and a miner in, rows and CSV text out. The miner learns from the lines, so pass one
 * built from the saved state to keep ids stable across runs.
 */
import { compileLogFormat, knownLogFormat, type CompiledLogFormat } from '../../shared/logFormat';
import { createTemplateMiner, type TemplateMiner } from '../../shared/parsing/templateMiner';

export interface StructuredRow {
  /**
   * 1-based number of the line in the input. loghub numbers only the lines that fit the format;
   * the two agree whenever every line fits, and the input number is the one a reader can look up.
   */
  LineId: number;
  /** Header fields and Content, by format field name. */
  fields: Record<string, string>;
  EventId: string;
  EventTemplate: string;
}

export interface StructuredLog {
  /** Format field names in format order (Content included). */
  fields: readonly string[];
  rows: StructuredRow[];
  /** 1-based numbers of the lines that do not fit the format (left out of `rows`, as loghub does). */
  unmatchedLines: number[];
}

/** `logFormat`: a format string, a known format name (hdfs, bgl, ...) or an already compiled format. */
export function structureLines(lines: Iterable<string>, logFormat: string | CompiledLogFormat, miner: TemplateMiner = createTemplateMiner()): StructuredLog {
  const format = typeof logFormat === 'string' ? compileLogFormat(knownLogFormat(logFormat) ?? logFormat) : logFormat;
  const matched: Array<{ LineId: number; fields: Record<string, string>; templateId: string }> = [];
  const unmatchedLines: number[] = [];
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber++;
    const fields = format.match(line);
    if (!fields) {
      unmatchedLines.push(lineNumber);
      continue;
    }
    matched.push({ LineId: lineNumber, fields, templateId: miner.add(fields.Content).templateId });
  }
  // Second pass: templates only settle after the last line, and every row shows the final one
  // under its final id (a later line may have merged the row's template into an older one).
  const rows = matched.map((m) => {
    const id = miner.resolve(m.templateId);
    return { LineId: m.LineId, fields: m.fields, EventId: id, EventTemplate: miner.template(id)?.template ?? '' };
  });
  return { fields: format.fields, rows, unmatchedLines };
}

/** `LineId,<fields...>,EventId,EventTemplate`, one row per matched line, `\n`-terminated. */
export function structuredToCsv(log: StructuredLog): string {
  const header = ['LineId', ...log.fields, 'EventId', 'EventTemplate'];
  const out = [csvRow(header)];
  for (const row of log.rows) {
    out.push(csvRow([String(row.LineId), ...log.fields.map((f) => row.fields[f] ?? ''), row.EventId, row.EventTemplate]));
  }
  return out.join('\n') + '\n';
}

/** loghub's `_templates.csv`: `EventId,EventTemplate,Occurrences`, in order of first appearance. */
export function templatesToCsv(log: StructuredLog): string {
  const counts = new Map<string, { template: string; occurrences: number }>();
  for (const row of log.rows) {
    const entry = counts.get(row.EventId);
    if (entry) entry.occurrences++;
    else counts.set(row.EventId, { template: row.EventTemplate, occurrences: 1 });
  }
  const out = [csvRow(['EventId', 'EventTemplate', 'Occurrences'])];
  for (const [id, { template, occurrences }] of counts) out.push(csvRow([id, template, String(occurrences)]));
  return out.join('\n') + '\n';
}

function csvRow(values: readonly string[]): string {
  return values.map(csvField).join(',');
}

/** RFC 4180 quoting, only where needed (as pandas writes loghub's files). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
