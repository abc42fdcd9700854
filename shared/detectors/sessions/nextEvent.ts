/** The DeepLog-style next-event LSTM (../nextEventLstm) as a session detector (opt-in: TensorFlow.js). */
import { fitNextEvent, nextEventFromArtifact, nextEventToArtifact, scoreNextEvent, type NextEventModel } from '../nextEventLstm';
import { loadTensorflow } from '../../tensorflow';
import type { SessionDetector } from './types';

export const nextEventDetector: SessionDetector<NextEventModel> = {
  name: 'lstm_next_event',
  floor: 0,
  async fit(training, params) {
    const { tf } = await loadTensorflow();
    return fitNextEvent(tf, training as string[][], { seed: params.seed });
  },
  async score(model, sessions) {
    const { tf } = await loadTensorflow();
    return (await scoreNextEvent(tf, model, sessions as string[][])).scores;
  },
  // DeepLog's test is "any miss"; a tenth of the session's events missed keeps one odd step quiet.
  autoThreshold: () => 0.1,
  async explain(model, session, top) {
    const { tf } = await loadTensorflow();
    const misses = (await scoreNextEvent(tf, model, [session as string[]])).misses[0];
    return misses.slice(0, top).map((m) => ({
      detector: 'lstm_next_event',
      text: `${m.actual} at step ${m.position + 1} was not among the ${model.topK} predicted next events (most likely: ${m.expected.join(', ')})`,
      events: [m.actual],
    }));
  },
  async toArtifact(model) {
    return nextEventToArtifact((await loadTensorflow()).tf, model);
  },
  async fromArtifact(artifact) {
    return nextEventFromArtifact((await loadTensorflow()).tf, artifact);
  },
};
