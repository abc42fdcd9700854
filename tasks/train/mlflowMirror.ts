import { logMlflowRun } from '../../shared/mlflow';
import type { ModelBundle } from '../../shared/models/bundle';
import type { StepContext } from '../../shared/runtime';

/** MLflow is a mirror of the registry when MLFLOW_TRACKING_URI is set: its failures never fail training. */
export async function mirrorToMlflow(
  ctx: StepContext,
  run: { name: string; version: number; params: Record<string, unknown>; metrics: Record<string, unknown>; tags: Record<string, string>; bundle: ModelBundle },
): Promise<string | null> {
  const trackingUri = ctx.config.mlflowTrackingUri;
  if (!trackingUri) return null;
  try {
    const numeric = Object.fromEntries(Object.entries(run.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
    const logged = await logMlflowRun(trackingUri, {
      experiment: `log-sentinel/${run.name}`,
      runName: `${run.name}-v${run.version}`,
      params: run.params,
      metrics: numeric,
      tags: { ...run.tags, 'sentinel.model': run.name, 'sentinel.version': String(run.version), 'sentinel.run_id': ctx.runId },
      artifacts: { 'model.json': new TextEncoder().encode(JSON.stringify(run.bundle)) },
      startTime: Date.now(),
    });
    ctx.log.info({ mlflowRunId: logged.runId, experimentId: logged.experimentId, skippedArtifacts: logged.skippedArtifacts }, 'logged to MLflow');
    return logged.runId;
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'MLflow logging failed; the model is registered in PostgreSQL regardless');
    return null;
  }
}
