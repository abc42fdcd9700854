import * as z from 'zod';
import { runStep, type StepOptions } from '../../shared/runtime';
import { inTransaction } from '../../shared/db/database';
import { findByFingerprint, getModel, promote, promotionDecision, registerCandidate, setNote } from '../../shared/db/models';
import { trainingFingerprint } from '../../shared/trainingFingerprint';
import { dateRange } from '../../shared/dates';
import { SIGNAL_FEATURES } from '../../shared/schemas';
import { saveModelJson, loadModelJson } from '../../shared/models/artifacts';
import { fitModelBundleScored, validationScore, validationScoreOf, type ModelBundle } from '../../shared/models/bundle';
import { loadLabels } from '../../shared/labels';
import { alertRateOption, DEFAULT_ALERT_RATE, parseOptions } from '../options';
import { BadInputError } from '../../shared/errors';
import { DEFAULT_WINDOW_DETECTORS } from '../../shared/detectors/registry';
import { loadSessionData, loadWindowData } from '../../shared/models/trainingData';
import { mirrorToMlflow } from './mlflowMirror';
import { crashPoint } from '../../shared/faultInjection';

export const trainOptions = z.object({
  from: z.string(),
  to: z.string(),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _')
    .default('sentinel'),
  detectors: z.string().default(DEFAULT_WINDOW_DETECTORS.join(',')),
  alertRate: alertRateOption.default(DEFAULT_ALERT_RATE),
  promoteMargin: z.coerce.number().min(0).default(0.02),
  combine: z.enum(['max', 'mean']).default('max'),
  /** `name=weight,...` for --combine mean, e.g. robust_baseline=2,isolation_forest=1. */
  weights: z
    .string()
    .regex(/^([a-z_]+=\d+(\.\d+)?)(,[a-z_]+=\d+(\.\d+)?)*$/, 'name=weight pairs separated by commas, e.g. robust_baseline=2,isolation_forest=1')
    .optional(),
  seed: z.coerce.number().int().optional(),
  /** Sessions to fit the session models on: a seeded uniform sample above this, so memory stays flat. */
  maxSessions: z.coerce.number().int().positive().default(50_000),
  lake: z.string().optional(),
});

/**
 * Gold of a date range → a model bundle (window detectors + session model) → a candidate version in
 * the registry, artifacts in the lake → promoted when its validation score is not worse than
 * production's on the same validation day by more than the margin.
 */
export async function run(raw: unknown, step: Partial<StepOptions> = {}) {
  const opts = parseOptions(trainOptions, raw, 'train');
  const detectors = opts.detectors
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const dates = dateRange(opts.from, opts.to);
  return runStep({ task: 'train', partition: `${opts.from}..${opts.to}`, overrides: { lake: opts.lake, seed: opts.seed }, ...step }, async (ctx) => {
    // Same Gold content, params and code as a registered version: return it, train nothing.
    const fingerprint = await trainingFingerprint(ctx.lake, dates, { ...opts, lake: undefined, seed: ctx.config.seed, code: ctx.config.version });
    const same = await findByFingerprint((await ctx.db()).pool, opts.name, fingerprint);
    if (same) {
      const reason = `version ${same.version} was trained on the same data and params (fingerprint ${fingerprint}); nothing trained`;
      ctx.log.info({ version: same.version, stage: same.stage }, reason);
      return {
        name: opts.name,
        version: same.version,
        reused: true,
        promoted: same.stage === 'production',
        reason,
        validation: same.metrics.validation ?? null,
        mlflowRunId: null,
      };
    }
    const windows = await loadWindowData(ctx.lake, dates, SIGNAL_FEATURES);
    if (windows.missing.length) ctx.log.warn({ missing: windows.missing }, 'some dates have no Gold windows; training without them');
    const sample = { maxSessions: opts.maxSessions, seed: ctx.config.seed };
    const sessions = await loadSessionData(ctx.lake, dates, sample);
    const weights = parseWeights(opts.weights, detectors);
    const params = { detectors, alertRate: opts.alertRate, seed: ctx.config.seed, combine: opts.combine, ...(weights ? { weights } : {}) };
    const started = performance.now();
    const { bundle, trainingWindows } = await fitModelBundleScored(windows, sessions, params, (line) => ctx.log.info(line));
    const fitSeconds = Math.round(performance.now() - started) / 1000;

    // Validation: the last date of the range, scored by the candidate and by production alike
    // (window verdicts: the validation number counts no session verdict).
    const validationDate = dates[dates.length - 1];
    // A one-date range validates on the windows it trained on: neither read Gold again nor score
    // them again, the fit's verdicts on them are the candidate's (fitting never writes its inputs).
    const valWindows = dates.length === 1 ? windows : await loadWindowData(ctx.lake, [validationDate], SIGNAL_FEATURES);
    const labels = await loadLabels(ctx.lake, validationDate, validationDate);
    const candidateScore =
      dates.length === 1 ? await validationScoreOf(bundle, trainingWindows, valWindows, labels) : await validationScore(bundle, valWindows, labels);

    const { pool } = await ctx.db();
    const production = await getModel(pool, opts.name);
    let productionScore: number | undefined;
    if (production) {
      try {
        const prodBundle = await loadModelJson<ModelBundle>(ctx.lake, opts.name, production.version);
        productionScore = (await validationScore(prodBundle, valWindows, labels)).value;
      } catch (err) {
        ctx.log.warn({ err, version: production.version }, 'production model could not be scored on the validation day; using its recorded validation score');
        productionScore = production.metrics.validation;
      }
    }
    const decision = promotionDecision(candidateScore.value, productionScore, opts.promoteMargin);
    const metrics = { validation: candidateScore.value, ...candidateScore.details, fitSeconds, windows: windows.matrix.rows, sessions: sessions.ids.length };

    const registered = await inTransaction(pool, async (client) => {
      const m = await registerCandidate(client, {
        name: opts.name,
        detectors: bundle.windows.detectors.map((d) => d.name).concat(bundle.sessions?.detectors.map((d) => d.name) ?? []),
        params: { ...params, promoteMargin: opts.promoteMargin },
        train_from: opts.from,
        train_to: opts.to,
        data_fingerprint: fingerprint,
        metrics,
        artifactUriFor: (v) => `${ctx.lake.uri}models/${opts.name}/v${v}/`,
      });
      // The artifact is written inside the registry transaction: a crash before COMMIT leaves an
      // artifact no row names, which the rerun (the same version number) overwrites.
      await saveModelJson(ctx.lake, opts.name, m.version, bundle);
      crashPoint('train:after-artifact');
      if (decision.promote) await promote(client, opts.name, m.version, decision.reason);
      else await setNote(client, opts.name, m.version, decision.reason);
      return m;
    });
    // A crash from here on leaves the version registered: a rerun finds it by fingerprint (reused).
    crashPoint('train:after-registry');
    if (!decision.promote) ctx.log.warn({ version: registered.version, reason: decision.reason }, 'candidate not promoted');
    else ctx.log.info({ version: registered.version, reason: decision.reason }, 'candidate promoted to production');
    const mlflowRunId = await mirrorToMlflow(ctx, {
      name: opts.name,
      version: registered.version,
      params: {
        ...params,
        detectors: detectors.join(','),
        promoteMargin: opts.promoteMargin,
        trainFrom: opts.from,
        trainTo: opts.to,
        dataFingerprint: fingerprint,
      },
      metrics: { ...metrics, ...(productionScore === undefined ? {} : { productionValidation: productionScore }) },
      tags: {
        'sentinel.stage': decision.promote ? 'production' : 'candidate',
        'sentinel.decision': decision.reason,
        'sentinel.artifact_uri': registered.artifact_uri,
      },
      bundle,
    });
    return {
      name: opts.name,
      version: registered.version,
      reused: false,
      promoted: decision.promote,
      reason: decision.reason,
      validation: candidateScore.value,
      productionValidation: productionScore ?? null,
      windows: windows.matrix.rows,
      sessions: sessions.ids.length,
      fitSeconds,
      mlflowRunId,
      alertRate: opts.alertRate,
      thresholds: thresholdSummary(bundle),
    };
  });
}

/** `robust_baseline=2,isolation_forest=1` → weights, each naming a detector being trained. */
function parseWeights(text: string | undefined, detectors: readonly string[]): Record<string, number> | undefined {
  if (!text) return undefined;
  const weights = Object.fromEntries(
    text.split(',').map((pair) => {
      const [name, weight] = pair.split('=');
      return [name, Number(weight)];
    }),
  );
  const unknown = Object.keys(weights).filter((name) => !detectors.includes(name));
  if (unknown.length) throw new BadInputError(`--weights names ${unknown.join(', ')}, which --detectors does not include (${detectors.join(', ')})`);
  return weights;
}

/** Per detector: its threshold, where it came from (alert-rate quantile, own test, or floor) and the share of training rows it flags. */
function thresholdSummary(bundle: ModelBundle) {
  return [
    ...bundle.windows.thresholds.map((t) => ({
      detector: t.detector,
      unit: 'window',
      threshold: t.threshold,
      source: t.source,
      trainingShare: t.trainingShare,
    })),
    ...(bundle.sessions?.detectors ?? []).map((d) => ({
      detector: d.name,
      unit: 'session',
      threshold: d.threshold.value,
      source: d.threshold.source,
      trainingShare: d.threshold.trainingShare,
    })),
  ];
}
