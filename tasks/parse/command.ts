import { z } from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { readPartition, writePartition } from '../../shared/lake';
import { BatchBuilder } from '../../shared/batchBuilder';
import { bronzeLogs, silverLogs } from '../../shared/schemas';
import type { Batch } from '../../shared/parquet';
import { parseOptions } from '../options';
import { createTemplateMiner } from './templateMiner';
import { loadFirstSeen, loadMinerState, recordFirstSeen, saveSnapshot } from './templateStore';

export const parseStepOptions = z.object({ date: z.string(), lake: z.string().optional() });

/** Whitespace runs collapse, so the same message with different spacing mines to the same template. */
export function normalizeMessage(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

/** bronze/logs → silver/logs for one date, mining templates with the persisted template store. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(parseStepOptions, raw, 'parse');
  return runStep({ task: 'parse', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    const miner = createTemplateMiner(undefined, await loadMinerState(ctx.lake, opts.date));
    const firstSeen = await loadFirstSeen(ctx.lake, opts.date, false);
    const templatesBefore = firstSeen.size;
    let rows = 0;
    const builder = new BatchBuilder(silverLogs, ctx.config.rowsPerPart);

    async function* silverBatches(): AsyncGenerator<Batch> {
      for await (const bronze of readPartition(ctx.lake, bronzeLogs, opts.date, `run \`sentinel ingest --date ${opts.date}\` first`)) {
        const c = bronze.columns;
        for (let i = 0; i < bronze.rows; i++) {
          const message = normalizeMessage(c.message[i] as string);
          const mined = miner.add(message);
          const ts = (c.ts as Float64Array)[i];
          recordFirstSeen(firstSeen, mined.templateId, ts);
          const row: Record<string, unknown> = {};
          for (const col of bronzeLogs.columns) row[col.name] = c[col.name][i];
          row.service = String(row.service).trim();
          row.message = message;
          row.template_id = mined.templateId;
          row.template = mined.template;
          row.params = JSON.stringify(mined.params);
          rows++;
          const full = builder.push(row);
          if (full) yield full;
        }
      }
      if (builder.rows > 0 || rows === 0) yield builder.flush();
    }

    const manifest = await writePartition(ctx.lake, silverLogs, opts.date, silverBatches(), { runId: ctx.runId });
    await saveSnapshot(ctx.lake, opts.date, miner.toState(), firstSeen);
    const templates = firstSeen.size;
    return { date: opts.date, rows: manifest.rows, templates, newTemplates: templates - templatesBefore };
  });
}
