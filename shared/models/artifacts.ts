import type { ObjectStore } from '../store/objectStore';
import { getJson, putJson } from '../store/objectStore';
import { BadInputError } from '../errors';

/**
 * Model artifacts live in the lake under `models/<name>/v<version>/`: `model.json` (plain data for
 * every detector, calibration and the drift profile) plus any files a detector writes itself
 * (the LSTM's model.json and weights). The registry row stores this prefix as `artifact_uri`.
 */
export const modelPrefix = (name: string, version: number) => `models/${name}/v${version}/`;

export async function saveModelJson(lake: ObjectStore, name: string, version: number, bundle: unknown): Promise<string> {
  const prefix = modelPrefix(name, version);
  await putJson(lake, prefix + 'model.json', bundle);
  return lake.uri + prefix;
}

export async function loadModelJson<T>(lake: ObjectStore, name: string, version: number): Promise<T> {
  const bundle = await getJson<T>(lake, modelPrefix(name, version) + 'model.json');
  if (!bundle)
    throw new BadInputError(
      `model ${name} v${version} has no artifact at ${lake.uri}${modelPrefix(name, version)}model.json; was the lake changed? Retrain with \`sentinel train\`.`,
    );
  return bundle;
}

/** The small byte store a detector's own I/O (tfjs) needs, scoped to a model version. */
export function modelFiles(lake: ObjectStore, name: string, version: number) {
  const prefix = modelPrefix(name, version);
  return {
    put: (key: string, bytes: Uint8Array) => lake.put(prefix + key, bytes),
    get: (key: string) => lake.get(prefix + key),
  };
}
