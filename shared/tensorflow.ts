/**
 * TensorFlow.js with the fastest backend that loads here: @tensorflow/tfjs-node (native
 * libtensorflow; an optional dependency, installed in production images and on most laptops),
 * otherwise @tensorflow/tfjs on the wasm backend (about 5× faster than cpu, see docs/decisions.md),
 * otherwise cpu. SENTINEL_TF_BACKEND=tensorflow|wasm|cpu forces one. The same model code runs on all.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Logger } from './logger';
import { loadProcessConfig } from './config';

export type Tf = typeof TF;
let loaded: Promise<{ tf: Tf; backend: string }> | undefined;

async function load(wanted: string | undefined, log?: Logger): Promise<{ tf: Tf; backend: string }> {
  if (!wanted || wanted === 'tensorflow') {
    try {
      const name = '@tensorflow/tfjs-node';
      const tf = (await import(/* @vite-ignore */ name)) as Tf;
      await tf.ready();
      return { tf, backend: tf.getBackend() };
    } catch (err) {
      if (wanted === 'tensorflow') throw err;
      log?.debug({ err: (err as Error).message }, '@tensorflow/tfjs-node did not load; falling back');
    }
  }
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  if (wanted !== 'cpu') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { tf, backend: 'wasm' };
      }
    } catch (err) {
      if (wanted === 'wasm') throw err;
      log?.debug({ err: (err as Error).message }, 'wasm backend did not load; using cpu');
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: 'cpu' };
}

/** Loads once per process and logs which backend runs. */
export async function loadTensorflow(log?: Logger, backend?: string): Promise<{ tf: Tf; backend: string }> {
  loaded ??= load(backend ?? loadProcessConfig().tfBackend, log).then((r) => {
    log?.info({ backend: r.backend }, `tensorflow backend: ${r.backend}`);
    return r;
  });
  return loaded;
}

/** tfjs ModelArtifacts ⇄ plain JSON (weights as base64): the IO handler that lets a model live in our model.json. */
export interface SavedTfModel {
  modelTopology: unknown;
  weightSpecs: unknown;
  weightData: string;
}

export async function saveToJson(tf: Tf, model: TF.LayersModel): Promise<SavedTfModel> {
  let saved: SavedTfModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      saved = { modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: Buffer.from(data).toString('base64') };
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

export async function loadFromJson(tf: Tf, saved: SavedTfModel): Promise<TF.LayersModel> {
  const bytes = Buffer.from(saved.weightData, 'base64');
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: saved.modelTopology as object, weightSpecs: saved.weightSpecs as TF.io.WeightsManifestEntry[], weightData }),
  );
}

/**
 * How both LSTMs train: tfjs's shuffle off (callers shuffle with a seeded generator, so runs are
 * reproducible), the last 10 % for validation, early stopping on its loss, one progress line per
 * epoch. Returns the epochs run and the last training loss.
 */
export async function fitWithEarlyStopping(
  tf: Tf,
  net: TF.LayersModel,
  x: TF.Tensor,
  y: TF.Tensor,
  options: { name: string; epochs: number; batchSize: number; patience: number },
  progress: (line: string) => void,
): Promise<{ epochsRun: number; finalLoss: number }> {
  let epochsRun = 0;
  let finalLoss = NaN;
  await net.fit(x, y, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    shuffle: false,
    validationSplit: 0.1,
    verbose: 0,
    callbacks: [
      tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: options.patience }),
      new tf.CustomCallback({
        onEpochEnd: async (epoch, logs) => {
          epochsRun = epoch + 1;
          finalLoss = logs?.loss ?? NaN;
          progress(`${options.name} epoch ${epoch + 1}: loss ${logs?.loss?.toFixed(5)} val_loss ${logs?.val_loss?.toFixed(5)}`);
        },
      }),
    ],
  });
  return { epochsRun, finalLoss };
}
