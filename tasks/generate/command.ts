import { createGzip } from 'node:zlib';
import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { putJson, type ObjectStore } from '../../shared/store/objectStore';
import { openStore } from '../../shared/store/openStore';
import { labelsKey } from '../../shared/labels';
import { parseOptions } from '../options';
import { generateLogs } from './generator';
import { generateOptionsSchema } from './options';
import { toJsonLine, type GeneratedLine } from './records';
import { kafkaSettings, openProducer } from '../../shared/kafka';
import { produceLines } from './toKafka';

export const generateCommandOptions = generateOptionsSchema.extend({
  lake: z.string().optional(),
  /** Write the log files here instead of `<lake>/landing/` (labels still go to the lake). */
  out: z.string().optional(),
  /** Lines per gzip file: several files per day, like real shippers roll them. */
  linesPerFile: z.coerce.number().int().min(1000).default(250_000),
  /** Produce the records to this Kafka topic instead of writing landing files (labels still go to the lake). */
  toKafka: z.string().min(1).optional(),
  /** With --to-kafka: records per second (0: as fast as the broker takes them). */
  rate: z.coerce.number().min(0).default(0),
});

const landingPrefix = (date: string) => `landing/date=${date}/`;

/** Gzip one file's worth of lines in a stream, so memory holds compressed bytes only (~10× smaller). */
async function gzipLines(lines: readonly GeneratedLine[]): Promise<Uint8Array> {
  const gzip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const step = 4096;
  for (let i = 0; i < lines.length; i += step) {
    const text =
      lines
        .slice(i, i + step)
        .map(toJsonLine)
        .join('\n') + '\n';
    if (!gzip.write(text)) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

function progressBar(enabled: boolean) {
  let last = 0;
  return (done: number, total: number) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - last < 200 && done < total) return;
    last = now;
    const share = Math.min(1, done / total);
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    process.stderr.write(`\rgenerate [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')} lines${done >= total ? '\n' : ''}`);
  };
}

/**
 * Synthetic logs with labeled anomalies → gzip JSON lines under `landing/date=D/` (one set of files
 * per day, replaced on rerun) and the ground truth under `labels/date=D/labels.json`.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(generateCommandOptions, raw, 'generate');
  return runStep({ task: 'generate', partition: opts.from, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const target: ObjectStore = opts.out ? openStore(opts.out, { forcePathStyle: ctx.config.s3ForcePathStyle }) : ctx.lake;
    const logs = generateLogs(opts, { onProgress: progressBar(!step.log && process.stderr.isTTY === true), progressEvery: 20_000 });
    let written = 0;
    if (opts.toKafka) {
      const producer = openProducer(kafkaSettings(ctx.config, `sentinel-generate-${ctx.runId}`));
      try {
        for (const day of logs.days) {
          written += await produceLines(producer, opts.toKafka, day.lines, opts.rate);
          await putJson(ctx.lake, labelsKey(day.date), day.labels);
          ctx.log.info({ date: day.date, topic: opts.toKafka, labels: day.labels.length }, 'day produced');
        }
      } finally {
        await producer.close();
      }
      const labels = logs.days.reduce((s, d) => s + d.labels.length, 0);
      return { dates: logs.dates, logs: written, anomalies: labels, target: `kafka:${opts.toKafka}` };
    }
    for (const day of logs.days) {
      const prefix = opts.out ? `date=${day.date}/` : landingPrefix(day.date);
      const stale = await target.list(prefix);
      if (stale.length) await target.delete(stale);
      let buffer: GeneratedLine[] = [];
      let part = 0;
      const flush = async () => {
        await target.put(`${prefix}logs-${String(part++).padStart(5, '0')}.jsonl.gz`, await gzipLines(buffer));
        written += buffer.length;
        buffer = [];
      };
      for (const line of day.lines) {
        buffer.push(line);
        if (buffer.length >= opts.linesPerFile) await flush();
      }
      if (buffer.length) await flush();
      await putJson(ctx.lake, labelsKey(day.date), day.labels);
      ctx.log.info({ date: day.date, files: part, labels: day.labels.length }, 'day generated');
    }
    const labels = logs.days.reduce((s, d) => s + d.labels.length, 0);
    return { dates: logs.dates, logs: written, anomalies: labels, target: target.uri };
  });
}
