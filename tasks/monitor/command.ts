import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { inTransaction } from '../../shared/db/database';
import { getModel } from '../../shared/db/models';
import { listAnomalies } from '../../shared/db/anomalies';
import { upsertModelMetrics, type MetricEntry } from '../../shared/db/metrics';
import { readCommittedAll, readCommittedSlices, readManifest, requireManifest } from '../../shared/lake';
import { scoredWindows, silverLogs } from '../../shared/schemas';
import { BadInputError, GateClosedError } from '../../shared/errors';
import { getJson, putJson } from '../../shared/store/objectStore';
import { loadModelJson } from '../../shared/models/artifacts';
import type { ModelBundle } from '../../shared/models/bundle';
import { loadWindowData } from '../../shared/models/trainingData';
import { evaluateDetections } from '../../shared/eventEvaluation';
import { loadLabels } from '../../shared/labels';
import { parseOptions } from '../options';
import { DEFAULT_THRESHOLDS, retrainDecision, type MonitorFacts } from './decision';
import { featureDrift, scoreShift, UnseenTemplates } from './drift';
import { crashPoint } from '../../shared/faultInjection';
import { checkScoredAnomalies } from '../../shared/scoredAnomalies';

export const monitorOptions = z.object({
  date: z.string(),
  name: z.string().default('sentinel'),
  gate: z.boolean().default(false),
  psiThreshold: z.coerce.number().positive().default(DEFAULT_THRESHOLDS.psi),
  unseenTemplateShare: z.coerce.number().min(0).max(1).default(DEFAULT_THRESHOLDS.unseenTemplateShare),
  anomalyRateFactor: z.coerce.number().min(1).default(DEFAULT_THRESHOLDS.anomalyRateFactor),
  maxModelAgeDays: z.coerce.number().positive().default(DEFAULT_THRESHOLDS.maxModelAgeDays),
  lake: z.string().optional(),
});

export const summaryKey = (date: string) => `monitoring/date=${date}/summary.json`;

export interface MonitorSummary extends MonitorFacts {
  date: string;
  model: string;
  modelVersion: number;
  featureKs: Record<string, number>;
  quality: { precision: number; recall: number; f1: number } | null;
  retrain: boolean;
  reasons: string[];
}

/**
 * Drift and model health for one date, against the production model's training profile: PSI and
 * KS per Gold feature, the score distribution shift, unseen templates, the anomaly rate against
 * the expected rate, model age, and P/R/F1 when the date has labels. One `model_metrics` row per
 * metric (upserted: reruns replace) and `monitoring/date=D/summary.json` in the lake.
 *
 * `--gate` turns the stored summary into an exit status for the DAG: 0 = retrain, 99 = not needed.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(monitorOptions, raw, 'monitor');
  return runStep({ task: 'monitor', partition: opts.date, overrides: { lake: opts.lake }, ...step }, async (ctx) => {
    if (opts.gate) {
      const summary = await getJson<MonitorSummary>(ctx.lake, summaryKey(opts.date));
      if (!summary)
        throw new BadInputError(
          `no monitoring summary for ${opts.date} at ${ctx.lake.uri}${summaryKey(opts.date)}: run \`sentinel monitor --date ${opts.date}\` first`,
        );
      if (!summary.retrain) throw new GateClosedError(`retraining not recommended for ${opts.date}: no threshold crossed`);
      ctx.log.warn({ reasons: summary.reasons }, 'retraining recommended');
      return { date: opts.date, retrain: true, reasons: summary.reasons };
    }
    const { pool } = await ctx.db();
    const model = await getModel(pool, opts.name);
    if (!model) throw new BadInputError(`model ${opts.name} has no production version: run \`sentinel train\` before monitoring`);
    const bundle = await loadModelJson<ModelBundle>(ctx.lake, opts.name, model.version);

    const windows = await loadWindowData(ctx.lake, [opts.date], bundle.windows.columns);
    const { featurePsi, featureKs } = featureDrift(windows.matrix, bundle.profiles);

    const scoredManifest = await readManifest(ctx.lake, scoredWindows, opts.date);
    if (!scoredManifest) throw new BadInputError(`no scored windows for ${opts.date}: run \`sentinel score --date ${opts.date}\` first`);
    const anomalies = await listAnomalies(pool, opts.date, opts.date);
    checkScoredAnomalies(scoredManifest, anomalies);
    // Only the three columns the score shift uses: with every session scored, a 10M-log day has
    // 190K rows, whose keys and detector lists it never reads.
    const scored = await readCommittedAll(ctx.lake, scoredWindows, scoredManifest, ['entity_kind', 'score', 'anomalous']);
    const { scorePsi, anomalyRate } = scoreShift(
      {
        entityKind: scored.columns.entity_kind as string[],
        score: scored.columns.score as Float64Array,
        anomalous: scored.columns.anomalous as (boolean | null)[],
      },
      bundle.scoreQuantiles,
    );

    const unseen = new UnseenTemplates(bundle.vocabulary);
    // A slice at a time, as features reads Silver: whole parts held ~100 MB more at the peak of a
    // 10M-log day (decision 113).
    const silver = await requireManifest(ctx.lake, silverLogs, opts.date, `run \`sentinel parse --date ${opts.date}\` first`);
    for await (const part of readCommittedSlices(ctx.lake, silverLogs, silver, ['template_id']))
      for await (const b of part) unseen.add(b.columns.template_id as string[]);

    const labels = await loadLabels(ctx.lake, opts.date, opts.date);
    let quality: MonitorSummary['quality'] = null;
    if (labels) {
      const e = evaluateDetections(anomalies, labels);
      quality = { precision: e.precision, recall: e.recall, f1: e.f1 };
    }
    const facts: MonitorFacts = {
      featurePsi,
      scorePsi,
      unseenTemplateShare: unseen.share,
      newTemplates: unseen.templates.size,
      anomalyRate,
      expectedAnomalyRate: bundle.expectedAnomalyRate,
      modelAgeDays: Math.round((Date.parse(opts.date) - Date.parse(model.train_to)) / 86_400_000),
    };
    const decision = retrainDecision(facts, {
      psi: opts.psiThreshold,
      unseenTemplateShare: opts.unseenTemplateShare,
      anomalyRateFactor: opts.anomalyRateFactor,
      maxModelAgeDays: opts.maxModelAgeDays,
    });
    const summary: MonitorSummary = { date: opts.date, model: opts.name, modelVersion: model.version, ...facts, featureKs, quality, ...decision };

    const metrics: MetricEntry[] = [
      ['max_feature_psi', Math.max(0, ...Object.values(featurePsi)), { featurePsi, featureKs }],
      ['score_psi', scorePsi, {}],
      ['unseen_template_share', facts.unseenTemplateShare, { newTemplates: unseen.templates.size, examples: [...unseen.templates].slice(0, 20) }],
      ['anomaly_rate', facts.anomalyRate, { expected: facts.expectedAnomalyRate }],
      ['model_age_days', facts.modelAgeDays, { trainTo: model.train_to }],
      ['precision', quality?.precision ?? null, {}],
      ['recall', quality?.recall ?? null, {}],
      ['f1', quality?.f1 ?? null, {}],
      ['retrain_recommended', decision.retrain ? 1 : 0, { reasons: decision.reasons }],
    ];
    await inTransaction(pool, (client) => upsertModelMetrics(client, opts.date, opts.name, model.version, metrics));
    crashPoint('db:model-metrics:after-commit');
    await putJson(ctx.lake, summaryKey(opts.date), summary);
    crashPoint('monitor:after-summary');
    if (decision.retrain) ctx.log.warn({ reasons: decision.reasons }, 'retraining recommended');
    else ctx.log.info('no drift above thresholds; retraining not needed');
    return {
      date: opts.date,
      modelVersion: model.version,
      retrain: decision.retrain,
      reasons: decision.reasons,
      maxFeaturePsi: metrics[0][1],
      scorePsi,
      unseenTemplateShare: facts.unseenTemplateShare,
      anomalyRate: facts.anomalyRate,
      modelAgeDays: facts.modelAgeDays,
    };
  });
}
