/**
 * LSTM autoencoder over sequences of window feature vectors (per service, `sequenceLength` windows
 * in a row). Encoder LSTM → repeated code → decoder LSTM → per-step dense reconstruction. A window's
 * score is the squared reconstruction error at its position, averaged over features; its
 * explanation is the features reconstructed worst. Inputs are the robust z-scores the bundle's
 * scaler produces (scaling is saved with the model), divided by `inputScale` and clipped so one
 * extreme value cannot dominate training.
 *
 * Reproducible: seeded initializers, sequences shuffled by shared/random, tfjs's own shuffle off.
 * Training stops early when the validation loss stops improving.
 */
import type * as TF from '@tensorflow/tfjs';
import { BadInputError } from '../errors';
import { createRandom } from '../random';
import { fitWithEarlyStopping, loadFromJson, saveToJson, type SavedTfModel, type Tf } from '../tensorflow';
import type { Contribution, FeatureMatrix } from './types';

export interface LstmParams {
  sequenceLength?: number;
  units?: number;
  epochs?: number;
  batchSize?: number;
  /** Training sequences are subsampled to at most this many (seeded). */
  maxSequences?: number;
  patience?: number;
  learningRate?: number;
  seed?: number;
  inputScale?: number;
}

export interface LstmModel {
  kind: 'lstm_autoencoder';
  columns: string[];
  sequenceLength: number;
  inputScale: number;
  net: TF.LayersModel;
  epochsRun: number;
  finalLoss: number;
}

export interface LstmArtifact {
  kind: 'lstm_autoencoder';
  version: 1;
  columns: string[];
  sequenceLength: number;
  inputScale: number;
  epochsRun: number;
  finalLoss: number;
  tf: SavedTfModel;
}

/** Row indices per service in time order, cut into runs of `length` (the last run ends at the last row). */
export function sequencesOf(x: FeatureMatrix, length: number, stride: number): number[][] {
  const byService = new Map<string, number[]>();
  for (let i = 0; i < x.rows; i++) {
    const list = byService.get(x.service[i]) ?? [];
    list.push(i);
    byService.set(x.service[i], list);
  }
  const out: number[][] = [];
  for (const rows of [...byService.values()]) {
    rows.sort((a, b) => x.windowStart[a] - x.windowStart[b]);
    if (rows.length < length) continue;
    let start = 0;
    for (; start + length <= rows.length; start += stride) out.push(rows.slice(start, start + length));
    if (start - stride + length < rows.length) out.push(rows.slice(rows.length - length));
  }
  return out;
}

function tensorOf(tf: Tf, x: FeatureMatrix, sequences: number[][], length: number, scale: number): TF.Tensor3D {
  const f = x.columns.length;
  const buf = new Float32Array(sequences.length * length * f);
  sequences.forEach((seq, s) => {
    seq.forEach((row, t) => {
      for (let j = 0; j < f; j++) {
        const v = x.data[row * f + j];
        buf[(s * length + t) * f + j] = Number.isNaN(v) ? 0 : Math.max(-2, Math.min(2, v / scale));
      }
    });
  });
  return tf.tensor3d(buf, [sequences.length, length, f]);
}

export async function fitLstm(tf: Tf, x: FeatureMatrix, params: LstmParams = {}, progress: (line: string) => void = () => {}): Promise<LstmModel> {
  const length = params.sequenceLength ?? 30;
  const units = params.units ?? 16;
  const seed = params.seed ?? 42;
  const inputScale = params.inputScale ?? 5;
  const f = x.columns.length;
  const rng = createRandom(seed);
  const all = sequencesOf(x, length, Math.max(1, Math.floor(length / 2)));
  if (all.length < 4)
    throw new BadInputError(
      `lstm_autoencoder: need at least 4 sequences of ${length} windows per service, got ${all.length}; train on more days or use a shorter --sequence-length`,
    );
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const train = all.slice(0, params.maxSequences ?? 2000);
  const net = tf.sequential();
  net.add(
    tf.layers.lstm({
      units,
      inputShape: [length, f],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
    }),
  );
  net.add(tf.layers.repeatVector({ n: length }));
  net.add(
    tf.layers.lstm({
      units,
      returnSequences: true,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 3 }),
    }),
  );
  net.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: f, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 4 }) }) }));
  net.compile({ optimizer: tf.train.adam(params.learningRate ?? 0.005), loss: 'meanSquaredError' });
  const input = tensorOf(tf, x, train, length, inputScale);
  let epochsRun = 0;
  let finalLoss = NaN;
  try {
    ({ epochsRun, finalLoss } = await fitWithEarlyStopping(
      tf,
      net,
      input,
      input,
      { name: 'lstm_autoencoder', epochs: params.epochs ?? 15, batchSize: params.batchSize ?? 64, patience: params.patience ?? 2 },
      progress,
    ));
  } finally {
    input.dispose();
  }
  return { kind: 'lstm_autoencoder', columns: [...x.columns], sequenceLength: length, inputScale, net, epochsRun, finalLoss };
}

export interface LstmScores {
  scores: Float64Array;
  /** rows × columns squared errors, for explanations. */
  errors: Float32Array;
}

export async function scoreLstm(tf: Tf, model: LstmModel, x: FeatureMatrix): Promise<LstmScores> {
  const f = model.columns.length;
  if (x.columns.join() !== model.columns.join()) throw new BadInputError('lstm_autoencoder: the matrix columns differ from the training columns');
  const length = model.sequenceLength;
  const sequences = sequencesOf(x, length, length);
  const scores = new Float64Array(x.rows);
  const errors = new Float32Array(x.rows * f);
  const chunk = 512;
  for (let s0 = 0; s0 < sequences.length; s0 += chunk) {
    const part = sequences.slice(s0, s0 + chunk);
    const input = tensorOf(tf, x, part, length, model.inputScale);
    const output = model.net.predict(input) as TF.Tensor3D;
    const [a, b] = [await input.data(), await output.data()];
    input.dispose();
    output.dispose();
    part.forEach((seq, s) => {
      seq.forEach((row, t) => {
        let sum = 0;
        for (let j = 0; j < f; j++) {
          const d = a[(s * length + t) * f + j] - b[(s * length + t) * f + j];
          errors[row * f + j] = d * d;
          sum += d * d;
        }
        scores[row] = sum / f;
      });
    });
  }
  return { scores, errors };
}

export function explainLstm(model: LstmModel, x: FeatureMatrix, errors: Float32Array, row: number, top: number): Contribution[] {
  const f = model.columns.length;
  return model.columns
    .map((feature, j) => ({ feature, value: x.data[row * f + j], expected: 0, z: Math.sqrt(errors[row * f + j]) * model.inputScale }))
    .sort((a, b) => b.z - a.z)
    .slice(0, top);
}

export async function lstmToArtifact(tf: Tf, model: LstmModel): Promise<LstmArtifact> {
  const { net, ...rest } = model;
  return { ...rest, version: 1, tf: await saveToJson(tf, net) };
}

export async function lstmFromArtifact(tf: Tf, artifact: unknown): Promise<LstmModel> {
  const a = artifact as LstmArtifact;
  if (a?.kind !== 'lstm_autoencoder' || a.version !== 1) throw new BadInputError(`not an lstm_autoencoder v1 artifact (kind ${a?.kind})`);
  const { tf: saved, version: _v, ...rest } = a;
  return { ...rest, net: await loadFromJson(tf, saved) };
}
