/**
 * Detectors by name, as `train --detectors` and the model bundle refer to them. Window detectors
 * take the window feature matrix (rare_templates the per-window template counts, lstm_autoencoder
 * is async TensorFlow.js); session detectors live in ./sessions/registry.
 */
import { BadInputError } from '../errors';
import { isolationForest } from './isolationForest';
import { robustBaseline } from './robustBaseline';
import { DEFAULT_SESSION_DETECTORS, SESSION_DETECTOR_NAMES } from './sessions/registry';
import type { Detector } from './types';

export const MATRIX_DETECTORS: Record<string, Detector<any, any>> = {
  [robustBaseline.name]: robustBaseline,
  [isolationForest.name]: isolationForest,
};

export const WINDOW_DETECTOR_NAMES = ['robust_baseline', 'isolation_forest', 'rare_templates', 'lstm_autoencoder'] as const;
export const DEFAULT_WINDOW_DETECTORS = ['robust_baseline', 'isolation_forest', 'rare_templates'];
export { DEFAULT_SESSION_DETECTORS, SESSION_DETECTOR_NAMES };
export const ALL_DETECTOR_NAMES: readonly string[] = [...WINDOW_DETECTOR_NAMES, ...SESSION_DETECTOR_NAMES];

export function checkDetectorNames(names: readonly string[]): void {
  const unknown = names.filter((n) => !ALL_DETECTOR_NAMES.includes(n));
  if (unknown.length) throw new BadInputError(`unknown detector(s) ${unknown.join(', ')}; choose from ${ALL_DETECTOR_NAMES.join(', ')}`);
  if (!windowDetectors(names).length) throw new BadInputError('--detectors names no window detector; name at least one of ' + WINDOW_DETECTOR_NAMES.join(', '));
}

export function windowDetectors(names: readonly string[]): string[] {
  return names.filter((n) => (WINDOW_DETECTOR_NAMES as readonly string[]).includes(n));
}

/** The session detectors named, or the default set when none is named (sessions are on whenever `features` made them). */
export function sessionDetectors(names: readonly string[]): string[] {
  const named = names.filter((n) => SESSION_DETECTOR_NAMES.includes(n));
  return named.length ? named : [...DEFAULT_SESSION_DETECTORS];
}
