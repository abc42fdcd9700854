import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { inTransaction } from '../../shared/db/database';
import { getModel, listModels, promote, rollback, type ModelVersion } from '../../shared/db/models';
import { BadInputError } from '../../shared/errors';
import { parseOptions } from '../options';
import { textTable } from '../../shared/textTable';

export const modelsOptions = z.object({
  action: z.enum(['list', 'show', 'promote', 'rollback']),
  name: z.string().default('sentinel'),
  version: z.coerce.number().int().positive().optional(),
  json: z.boolean().default(false),
  lake: z.string().optional(),
});

/** The versions as a table: numbers right-aligned, the detector list last (see textTable). */
export function formatTable(models: readonly ModelVersion[]): string {
  const rows = models.map((m) => [
    m.name,
    String(m.version),
    m.stage,
    `${m.train_from}..${m.train_to}`,
    (m.metrics.validation ?? Number.NaN).toFixed(4),
    m.detectors.join(','),
  ]);
  return textTable(['name', 'version', 'stage', 'trained on', 'validation', 'detectors'], rows, new Set([1, 4]));
}

/** `sentinel models list|show|promote|rollback` over the registry in PostgreSQL. */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(modelsOptions, raw, 'models');
  return runStep({ task: 'models', overrides: { lake: opts.lake, logLevel: 'warn' }, ...step }, async (ctx) => {
    const { pool } = await ctx.db();
    switch (opts.action) {
      case 'list': {
        const models = await listModels(pool, opts.name);
        if (!opts.json) process.stdout.write(models.length ? formatTable(models) : `no versions of model ${opts.name} yet: run \`sentinel train\`\n`);
        return { models: models.map((m) => ({ version: m.version, stage: m.stage })) };
      }
      case 'show': {
        const m = await getModel(pool, opts.name, opts.version);
        if (!m) throw new BadInputError(opts.version ? `model ${opts.name} has no version ${opts.version}` : `model ${opts.name} has no production version`);
        return { model: m };
      }
      case 'promote': {
        if (!opts.version) throw new BadInputError('sentinel models promote needs --version <v>');
        const m = await inTransaction(pool, (c) => promote(c, opts.name, opts.version!, 'promoted by hand'));
        ctx.log.info({ name: m.name, version: m.version }, 'model promoted');
        return { promoted: m.version };
      }
      case 'rollback': {
        const r = await inTransaction(pool, (c) => rollback(c, opts.name));
        ctx.log.info({ from: r.from.version, to: r.to.version }, 'model rolled back');
        return { rolledBackFrom: r.from.version, production: r.to.version };
      }
    }
  });
}
