import { BadInputError } from '../errors';
import { compileLogFormat, KNOWN_LOG_FORMATS } from '../logFormat';
import { dayStart } from '../dates';
import { parseJsonLine, parseTextLine, type LineMatcher, type LineResult } from './records';
import { createTimestampParser } from './timestamps';

export interface LineParserOptions {
  /** The partition date: records from other dates are quarantined unless `allowOtherDates`. */
  date: string;
  /** A loghub-style format (`<Date> <Time> <Level> <Component>: <Content>`) or a known name (hdfs, bgl, ...). */
  logFormat?: string;
  timestampFormat?: string;
  /** Service name for text logs (otherwise their Component) and for JSON records without one. */
  service?: string;
  allowOtherDates?: boolean;
}

export function resolveLogFormat(logFormat: string): LineMatcher {
  const known = (KNOWN_LOG_FORMATS as Record<string, string>)[logFormat.toLowerCase()];
  try {
    return compileLogFormat(known ?? logFormat);
  } catch (err) {
    throw new BadInputError(
      `invalid --log-format "${logFormat}": ${(err as Error).message}. Use <Field> headers and <Content>, or one of: ${Object.keys(KNOWN_LOG_FORMATS).join(', ')}`,
      { cause: err },
    );
  }
}

/**
 * Returns the per-line parser for one ingest run: JSON lines always work; other lines need a log
 * format. The timestamp parser detects the format once and sticks to it (fast path).
 */
export function createLineParser(options: LineParserOptions): (line: string) => LineResult {
  return createLineReaders(options).parseLine;
}

/** The line parser with its timestamp parser and the partition's bounds [from, to) (ingest's byte path shares them). */
export function createLineReaders(options: LineParserOptions) {
  const matcher = options.logFormat ? resolveLogFormat(options.logFormat) : undefined;
  const parseTs = createTimestampParser(options.timestampFormat, Number(options.date.slice(0, 4)));
  const from = dayStart(options.date);
  const to = from + 86_400_000;
  const parseLine = (line: string): LineResult => {
    const result = line.trimStart().startsWith('{')
      ? parseJsonLine(line, parseTs, options.service)
      : matcher
        ? parseTextLine(line, matcher, parseTs, options.service)
        : ({ ok: false, reason: 'not a JSON object and no --log-format was given for text lines', key: 'format:missing' } as const);
    if (result.ok && !options.allowOtherDates && (result.record.ts < from || result.record.ts >= to)) {
      return {
        ok: false,
        key: 'timestamp:other_date',
        reason: `timestamp ${new Date(result.record.ts).toISOString()} is outside partition ${options.date} (ingest that date, or pass --allow-other-dates)`,
      };
    }
    return result;
  };
  return { parseLine, parseTs, from, to };
}
