/**
 * DeepLog-style next-event model for sessions (Du et al., CCS 2017): an LSTM reads the last
 * `history` template ids of a session and predicts the next one; an event outside the top-k
 * predictions is a miss. A session's score is its share of missed events (session end included), so
 * it is comparable across session lengths; templates never seen in training are always misses.
 *
 * Same conventions as the window LSTM: seeded initializers, pairs subsampled and shuffled by
 * shared/random, early stopping on validation loss, saved inside model.json through saveToJson.
 */
import type * as TF from '@tensorflow/tfjs';
import { BadInputError } from '../errors';
import { createRandom } from '../random';
import { fitWithEarlyStopping, loadFromJson, saveToJson, type SavedTfModel, type Tf } from '../tensorflow';

export interface NextEventParams {
  /** Events the model sees before predicting (DeepLog's h). Default 10. */
  history?: number;
  /** A prediction counts when the true next event is among the k most likely (DeepLog's g). Default 9, at most a third of the vocabulary. */
  topK?: number;
  units?: number;
  epochs?: number;
  batchSize?: number;
  /** Training pairs (history → next) are subsampled to at most this many. */
  maxPairs?: number;
  patience?: number;
  seed?: number;
}

/** Token 0 pads the history before the session starts, 1 is "never seen in training", 2 ends a session. */
const PAD = 0;
const UNKNOWN = 1;
const END = 2;
const RESERVED = 3;

export interface NextEventModel {
  kind: 'lstm_next_event';
  vocabulary: string[];
  history: number;
  topK: number;
  net: TF.LayersModel;
  epochsRun: number;
}

export interface NextEventArtifact {
  kind: 'lstm_next_event';
  version: 1;
  vocabulary: string[];
  history: number;
  topK: number;
  epochsRun: number;
  tf: SavedTfModel;
}

export interface NextEventMiss {
  position: number;
  actual: string;
  expected: string[];
}

/** Template id → token, built once per fit or score (not per session). */
function tokenIndex(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((t, i) => [t, i + RESERVED]));
}

function encode(index: ReadonlyMap<string, number>, sequence: readonly string[]): number[] {
  return [...sequence.map((t) => index.get(t) ?? UNKNOWN), END];
}

/** Every (history → next) pair of a session, histories left-padded. */
function pairsOf(tokens: readonly number[], history: number): { context: number[]; next: number }[] {
  return tokens.map((next, i) => {
    const context = tokens.slice(Math.max(0, i - history), i);
    return { context: [...Array(history - context.length).fill(PAD), ...context], next };
  });
}

function contextTensor(tf: Tf, pairs: readonly { context: number[] }[], history: number, classes: number): TF.Tensor3D {
  const buf = new Float32Array(pairs.length * history * classes);
  pairs.forEach((p, s) => {
    p.context.forEach((token, t) => {
      buf[(s * history + t) * classes + token] = 1;
    });
  });
  return tf.tensor3d(buf, [pairs.length, history, classes]);
}

export async function fitNextEvent(
  tf: Tf,
  sequences: readonly string[][],
  params: NextEventParams = {},
  progress: (line: string) => void = () => {},
): Promise<NextEventModel> {
  const history = params.history ?? 10;
  const seed = params.seed ?? 42;
  const vocabulary = [...new Set(sequences.flat())].sort();
  const classes = vocabulary.length + RESERVED;
  const topK = Math.max(1, Math.min(params.topK ?? 9, Math.ceil(vocabulary.length / 3)));
  const rng = createRandom(seed);
  const index = tokenIndex(vocabulary);
  const pairs = sequences.flatMap((s) => pairsOf(encode(index, s), history));
  if (pairs.length < 20) throw new BadInputError(`lstm_next_event: need at least 20 session events to train, got ${pairs.length}`);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
  }
  const train = pairs.slice(0, params.maxPairs ?? 20_000);
  const net = tf.sequential();
  net.add(
    tf.layers.lstm({
      units: params.units ?? 32,
      inputShape: [history, classes],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
    }),
  );
  net.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  net.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = contextTensor(tf, train, history, classes);
  const y = tf.oneHot(
    tf.tensor1d(
      train.map((p) => p.next),
      'int32',
    ),
    classes,
  );
  let epochsRun = 0;
  try {
    ({ epochsRun } = await fitWithEarlyStopping(
      tf,
      net,
      x,
      y,
      { name: 'lstm_next_event', epochs: params.epochs ?? 10, batchSize: params.batchSize ?? 128, patience: params.patience ?? 2 },
      progress,
    ));
  } finally {
    x.dispose();
    y.dispose();
  }
  return { kind: 'lstm_next_event', vocabulary, history, topK, net, epochsRun };
}

export interface NextEventScores {
  /** Share of each session's events (end included) outside the top-k predictions. */
  scores: Float64Array;
  misses: NextEventMiss[][];
}

export async function scoreNextEvent(tf: Tf, model: NextEventModel, sequences: readonly string[][]): Promise<NextEventScores> {
  const classes = model.vocabulary.length + RESERVED;
  const label = (token: number) => (token === END ? '(session end)' : token === UNKNOWN ? '(unseen template)' : model.vocabulary[token - RESERVED]);
  const index = tokenIndex(model.vocabulary);
  const all = sequences.flatMap((s, session) => pairsOf(encode(index, s), model.history).map((p, position) => ({ ...p, session, position })));
  const misses: NextEventMiss[][] = sequences.map(() => []);
  const chunk = 2048;
  for (let start = 0; start < all.length; start += chunk) {
    const part = all.slice(start, start + chunk);
    const input = contextTensor(tf, part, model.history, classes);
    const output = model.net.predict(input) as TF.Tensor2D;
    const { indices } = tf.topk(output, model.topK);
    const top = (await indices.data()) as Int32Array;
    input.dispose();
    output.dispose();
    indices.dispose();
    part.forEach((p, i) => {
      const predicted = Array.from(top.subarray(i * model.topK, (i + 1) * model.topK));
      if (p.next !== UNKNOWN && predicted.includes(p.next)) return;
      misses[p.session].push({ position: p.position, actual: label(p.next), expected: predicted.slice(0, 3).map(label) });
    });
  }
  const scores = Float64Array.from(sequences, (s, i) => misses[i].length / (s.length + 1));
  return { scores, misses };
}

export async function nextEventToArtifact(tf: Tf, model: NextEventModel): Promise<NextEventArtifact> {
  const { net, ...rest } = model;
  return { ...rest, version: 1, tf: await saveToJson(tf, net) };
}

export async function nextEventFromArtifact(tf: Tf, artifact: unknown): Promise<NextEventModel> {
  const a = artifact as NextEventArtifact;
  if (a?.kind !== 'lstm_next_event' || a.version !== 1) throw new BadInputError(`not an lstm_next_event v1 artifact (kind ${a?.kind})`);
  const { tf: saved, version: _v, ...rest } = a;
  return { ...rest, net: await loadFromJson(tf, saved) };
}
