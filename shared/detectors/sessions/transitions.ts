/** The first-order transition model (../sequenceTransitions) as a session detector: unusual event order. */
import { BadInputError } from '../../errors';
import { fitTransitions, scoreTransitions, unusualTransitions, type TransitionModel } from '../sequenceTransitions';
import type { SessionDetector } from './types';

/** A transition rarer than this (P(next | previous)) is unusual. */
const MIN_PROBABILITY = 0.005;
const label = (e: string) => (e === '^' ? '(session start)' : e === '$' ? '(session end)' : e);

export const transitionsDetector: SessionDetector<TransitionModel> = {
  name: 'sequence_transitions',
  floor: 0,
  fit: async (training) => fitTransitions(training, MIN_PROBABILITY),
  score: async (model, sessions) => scoreTransitions(model, sessions),
  // Its own test: a fifth of the session's steps are transitions training almost never made.
  autoThreshold: () => 0.2,
  explain: async (model, session, top) =>
    unusualTransitions(model, session)
      .slice(0, top)
      .map((t) => ({
        detector: 'sequence_transitions',
        text: `${label(t.from)} → ${label(t.to)} at step ${t.position + 1}: P = ${t.probability.toFixed(4)} in training`,
        events: [t.from, t.to].filter((e) => e !== '^' && e !== '$'),
      })),
  toArtifact: async (model) => model,
  async fromArtifact(artifact) {
    const a = artifact as TransitionModel;
    if (typeof a?.counts !== 'object' || typeof a.totals !== 'object')
      throw new BadInputError('not a sequence_transitions artifact; retrain with `sentinel train`');
    return a;
  },
};
