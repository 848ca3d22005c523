import { MonitorSettingError } from './errors.js';

/** How drift is judged. Defaults come from the measurements in results/monitoring/validation.json. */
export interface MonitorSettings {
  /** Predictions per window. */
  readonly window: number;
  /** The chance a clean window shows any drift flag (the family is a window's tests: Bonferroni across them). */
  readonly alpha: number;
  /** MMD permutations: the smallest p is 1/(permutations + 1), which must sit below alpha / tests. */
  readonly permutations: number;
  readonly folds: number;
  readonly l2: number;
  /** A flag also needs PSI at least this (the "moderate" band): significance alone is not a change worth a page. */
  readonly minPsi: number;
  /** Consecutive drifting windows before an alert fires (persistence). */
  readonly persistence: number;
  readonly seed: number;
}

export const monitorDefaults: MonitorSettings = Object.freeze({
  window: 60,
  alpha: 0.05,
  permutations: 999,
  folds: 5,
  l2: 1,
  minPsi: 0.1,
  persistence: 2,
  seed: 14,
});

/** Merges overrides onto the defaults and rejects impossible values once, at the edge. */
export function monitorSettings(overrides: Partial<MonitorSettings> = {}): MonitorSettings {
  const settings = { ...monitorDefaults, ...overrides };
  if (!Number.isInteger(settings.window) || settings.window < 20)
    throw new MonitorSettingError(`window ${settings.window}: use at least 20 predictions per window`);
  if (!(settings.alpha > 0 && settings.alpha < 1))
    throw new MonitorSettingError(`alpha ${settings.alpha} must lie between 0 and 1`);
  if (!Number.isInteger(settings.permutations) || settings.permutations < 19)
    throw new MonitorSettingError(`permutations ${settings.permutations}: use at least 19`);
  if (!Number.isInteger(settings.folds) || settings.folds < 2)
    throw new MonitorSettingError(`folds ${settings.folds}: use at least 2`);
  if (!Number.isInteger(settings.persistence) || settings.persistence < 1)
    throw new MonitorSettingError(`persistence ${settings.persistence}: use at least 1`);
  return Object.freeze(settings);
}
