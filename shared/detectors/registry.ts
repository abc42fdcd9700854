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

export function checkDetectorNames(names: readonly string[]): void {
  const unknown = names.filter((n) => !(WINDOW_DETECTOR_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new BadInputError(`unknown detector(s) ${unknown.join(', ')}; choose from ${WINDOW_DETECTOR_NAMES.join(', ')}`);
  if (!names.length) throw new BadInputError('--detectors is empty; name at least one of ' + WINDOW_DETECTOR_NAMES.join(', '));
}
