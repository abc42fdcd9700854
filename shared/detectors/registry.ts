/**
 * Detectors by name, as `train --detectors` and the model bundle refer to them. Window detectors
 * take the window feature matrix; lstm_autoencoder (async, TensorFlow.js) lives in lstmAutoencoder.ts; rare_templates reads the per-window template counts instead, and
 * the session model lives in shared/models/sessionModel.
 */
import { BadInputError } from '../errors';
import { isolationForest } from './isolationForest';
import { robustBaseline } from './robustBaseline';
import type { Detector } from './types';

export const MATRIX_DETECTORS: Record<string, Detector<any, any>> = {
  [robustBaseline.name]: robustBaseline,
  [isolationForest.name]: isolationForest,
};

export const WINDOW_DETECTOR_NAMES = ['robust_baseline', 'isolation_forest', 'rare_templates', 'lstm_autoencoder'] as const;
/** Session detectors one can add; the transition model always runs when there are sessions. */
export const SESSION_DETECTOR_NAMES = ['lstm_next_event'] as const;
const ALL_NAMES: readonly string[] = [...WINDOW_DETECTOR_NAMES, ...SESSION_DETECTOR_NAMES];

export function checkDetectorNames(names: readonly string[]): void {
  const unknown = names.filter((n) => !ALL_NAMES.includes(n));
  if (unknown.length) throw new BadInputError(`unknown detector(s) ${unknown.join(', ')}; choose from ${ALL_NAMES.join(', ')}`);
  if (!windowDetectors(names).length) throw new BadInputError('--detectors names no window detector; name at least one of ' + WINDOW_DETECTOR_NAMES.join(', '));
}

export function windowDetectors(names: readonly string[]): string[] {
  return names.filter((n) => (WINDOW_DETECTOR_NAMES as readonly string[]).includes(n));
}
