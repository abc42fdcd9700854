/**
 * Every window detector, once. A new one is one file implementing WindowDetector plus one line
 * here (shared/models/bundle never names a detector).
 */
import { forestWindows } from './forestWindows';
import { lstmWindows } from './lstmWindows';
import { rareTemplatesWindows } from './rareTemplatesWindows';
import { robustBaselineWindows } from './robustBaselineWindows';
import type { WindowDetector } from './types';

export const WINDOW_DETECTORS: Record<string, WindowDetector<unknown>> = Object.fromEntries(
  [robustBaselineWindows, forestWindows, rareTemplatesWindows, lstmWindows].map((d) => [d.name, d]),
);

export const WINDOW_DETECTOR_NAMES = Object.keys(WINDOW_DETECTORS);
export const DEFAULT_WINDOW_DETECTORS = ['robust_baseline', 'isolation_forest', 'rare_templates'];
