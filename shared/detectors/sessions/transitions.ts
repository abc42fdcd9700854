/**
 * The first-order transition model (../sequenceTransitions) as a session detector: unusual event
 * order. It stands down where the log cannot order a session's events (./eventOrder).
 */
import { BadInputError } from '../../errors';
import { fitTransitions, scoreTransitions, unusualTransitions, type TransitionModel } from '../sequenceTransitions';
import { eventOrderEvidence, unresolvedOrderNote, type EventOrderEvidence } from './eventOrder';
import type { SessionDetector } from './types';

export interface SessionTransitionModel extends TransitionModel {
  order: EventOrderEvidence;
}

/** A transition rarer than this (P(next | previous)) is unusual. */
const MIN_PROBABILITY = 0.005;
const label = (e: string) => (e === '^' ? '(session start)' : e === '$' ? '(session end)' : e);

export const transitionsDetector: SessionDetector<SessionTransitionModel> = {
  name: 'sequence_transitions',
  floor: 0,
  fit: async (training, { times }) => ({ ...fitTransitions(training, MIN_PROBABILITY), order: eventOrderEvidence(times) }),
  score: async (model, sessions) => (model.order.resolved ? scoreTransitions(model, sessions) : new Float64Array(sessions.length)),
  // Its own test: a fifth of the session's steps are transitions training almost never made.
  autoThreshold: () => 0.2,
  explain: async (model, session, top) =>
    (model.order.resolved ? unusualTransitions(model, session) : []).slice(0, top).map((t) => ({
      detector: 'sequence_transitions',
      text: `${label(t.from)} → ${label(t.to)} at step ${t.position + 1}: P = ${t.probability.toFixed(4)} in training`,
      events: [t.from, t.to].filter((e) => e !== '^' && e !== '$'),
    })),
  note: (model) => unresolvedOrderNote(model.order),
  toArtifact: async (model) => model,
  async fromArtifact(artifact) {
    const a = artifact as SessionTransitionModel;
    if (typeof a?.counts !== 'object' || typeof a.totals !== 'object' || typeof a.order?.resolved !== 'boolean')
      throw new BadInputError('not a sequence_transitions artifact of this version; retrain with `sentinel train`');
    return a;
  },
};
