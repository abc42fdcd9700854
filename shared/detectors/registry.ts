/**
 * Detector names, as `train --detectors` and the model bundle refer to them: window detectors
 * (./windows/registry) and session detectors (./sessions/registry).
 */
import { BadInputError } from '../errors';
import { DEFAULT_SESSION_DETECTORS, SESSION_DETECTOR_NAMES, SESSION_DETECTORS } from './sessions/registry';
import { DEFAULT_WINDOW_DETECTORS, WINDOW_DETECTOR_NAMES, WINDOW_DETECTORS } from './windows/registry';

export { DEFAULT_SESSION_DETECTORS, DEFAULT_WINDOW_DETECTORS, SESSION_DETECTOR_NAMES, WINDOW_DETECTOR_NAMES };
export const ALL_DETECTOR_NAMES: readonly string[] = [...WINDOW_DETECTOR_NAMES, ...SESSION_DETECTOR_NAMES];

export function checkDetectorNames(names: readonly string[]): void {
  const known = [...Object.keys(WINDOW_DETECTORS), ...Object.keys(SESSION_DETECTORS)];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new BadInputError(`unknown detector(s) ${unknown.join(', ')}; choose from ${known.join(', ')}`);
  if (!windowDetectors(names).length)
    throw new BadInputError('--detectors names no window detector; name at least one of ' + Object.keys(WINDOW_DETECTORS).join(', '));
}

export function windowDetectors(names: readonly string[]): string[] {
  return names.filter((n) => n in WINDOW_DETECTORS);
}

/** The session detectors named, or the default set when none is named (sessions are on whenever `features` made them). */
export function sessionDetectors(names: readonly string[]): string[] {
  const named = names.filter((n) => n in SESSION_DETECTORS);
  return named.length ? named : [...DEFAULT_SESSION_DETECTORS];
}
