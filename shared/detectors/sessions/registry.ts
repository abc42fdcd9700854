/**
 * Every session detector, once. A new one is one file implementing SessionDetector plus one line
 * here. DEFAULT_SESSION_DETECTORS run whenever `features` extracted sessions and `--detectors`
 * names no session detector (decisions.md 30 has the measurements behind the choice).
 */
import { countForestDetector } from './countForest';
import { invariantsDetector } from './invariants';
import { nextEventDetector } from './nextEvent';
import { orderInvariantsDetector } from './orderInvariants';
import { pcaResidualDetector } from './pcaResidual';
import { rareEventsDetector } from './rareEvents';
import { transitionsDetector } from './transitions';
import type { SessionDetector } from './types';

export const SESSION_DETECTORS: Record<string, SessionDetector<unknown>> = Object.fromEntries(
  [invariantsDetector, rareEventsDetector, orderInvariantsDetector, transitionsDetector, pcaResidualDetector, countForestDetector, nextEventDetector].map(
    (d) => [d.name, d],
  ),
);

export const SESSION_DETECTOR_NAMES = Object.keys(SESSION_DETECTORS);
export const DEFAULT_SESSION_DETECTORS = ['invariants', 'rare_events', 'sequence_transitions', 'order_invariants'];
