/**
 * Optional MLflow tracking over its REST API (no MLflow client library): one MLflow run per trained
 * model version with its params, metrics and model.json. The registry in PostgreSQL stays the source
 * of truth; MLflow is a mirror for teams that browse experiments there, so callers treat every
 * failure here as a warning.
 */
import { redactUrl } from './logger';

export interface MlflowRunInput {
  experiment: string;
  runName: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** Files uploaded as run artifacts (path inside the run → bytes). */
  artifacts: Record<string, Uint8Array>;
  /** Epoch milliseconds, so a rerun with a fixed clock logs the same thing. */
  startTime: number;
}

export interface MlflowRunResult {
  runId: string;
  experimentId: string;
  artifactUri: string;
  /** Artifacts not uploaded because the run's artifact store is not served by the tracking server. */
  skippedArtifacts: string[];
}

/** MLflow caps a param value at 6000 characters and a batch at 100 params / 1000 metrics. */
const MAX_PARAM_LENGTH = 6000;

export async function logMlflowRun(trackingUri: string, input: MlflowRunInput, fetchImpl: typeof fetch = fetch): Promise<MlflowRunResult> {
  const base = trackingUri.replace(/\/+$/, '');
  const call = mlflowApi(trackingUri, fetchImpl);

  const experimentId = await experimentIdFor(call, input.experiment);
  const created = await call<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', '/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
    run_name: input.runName,
    start_time: input.startTime,
    tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })),
  });
  const { run_id: runId, artifact_uri: artifactUri } = created.run.info;
  try {
    await call('POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      params: Object.entries(input.params).map(([key, value]) => ({ key, value: paramValue(value) })),
      metrics: Object.entries(input.metrics)
        .filter(([, value]) => Number.isFinite(value))
        .map(([key, value]) => ({ key, value, timestamp: input.startTime, step: 0 })),
    });
    const skippedArtifacts: string[] = [];
    const proxied = /^mlflow-artifacts:\/?\/?(.*)$/.exec(artifactUri);
    for (const [file, bytes] of Object.entries(input.artifacts)) {
      // Only the server's artifact proxy (`mlflow server --serve-artifacts`, the default) takes
      // uploads over HTTP; with an s3:// artifact root the files stay referenced by our own URI tag.
      if (!proxied) {
        skippedArtifacts.push(file);
        continue;
      }
      const res = await fetchImpl(`${base}/api/2.0/mlflow-artifacts/artifacts/${proxied[1].replace(/^\/+/, '')}/${file}`, { method: 'PUT', body: bytes });
      if (!res.ok) throw new MlflowError(`uploading artifact ${file} answered ${res.status}: ${(await res.text()).slice(0, 300)}`, res.status, '');
    }
    await call('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    return { runId, experimentId, artifactUri, skippedArtifacts };
  } catch (err) {
    await call('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FAILED', end_time: Date.now() }).catch(() => undefined);
    throw err;
  }
}

/** Whether the tracking server answers its API (an experiment search), within `timeoutMs`: `sentinel check`. */
export async function mlflowAnswers(trackingUri: string, timeoutMs = 5_000): Promise<void> {
  await mlflowApi(trackingUri, fetch, timeoutMs)('POST', '/api/2.0/mlflow/experiments/search', { max_results: 1 }).catch((err: Error) => {
    if (err instanceof MlflowError) throw err;
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure, the timeout) is its cause.
    throw new Error(`cannot reach ${redactUrl(trackingUri)}: ${(err.cause as Error | undefined)?.message ?? err.message}`, { cause: err });
  });
}

/** The tracking server's REST API: `call(method, path, body)` gives its JSON answer, an MlflowError for any status but 2xx. */
function mlflowApi(trackingUri: string, fetchImpl: typeof fetch, timeoutMs?: number): Call {
  const base = trackingUri.replace(/\/+$/, '');
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetchImpl(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new MlflowError(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`, res.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

export class MlflowError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message);
    this.name = 'MlflowError';
  }
}

type Call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

async function experimentIdFor(call: Call, name: string): Promise<string> {
  const byName = async () =>
    (await call<{ experiment: { experiment_id: string } }>('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`))
      .experiment.experiment_id;
  try {
    return await byName();
  } catch (err) {
    if (!(err instanceof MlflowError) || !err.body.includes('RESOURCE_DOES_NOT_EXIST')) throw err;
  }
  try {
    return (await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { name })).experiment_id;
  } catch (err) {
    // Two trainings racing to create the experiment: the loser reads the winner's.
    if (!(err instanceof MlflowError) || !err.body.includes('RESOURCE_ALREADY_EXISTS')) throw err;
    return byName();
  }
}

function paramValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_PARAM_LENGTH ? text.slice(0, MAX_PARAM_LENGTH - 1) + '…' : text;
}
