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

/** How the alerts judge; the defaults are justified where they are declared (below). */
export interface AlertSettings {
  /** Consecutive drifting windows, or consecutive failing evaluations, before an alert fires. */
  readonly persistence: number;
  readonly p99TargetMs: number;
  /** Share of answered requests that may be 5xx over one evaluation interval. */
  readonly errorRateMax: number;
  /** Fewer requests than this in an interval say nothing about the error rate. */
  readonly minRequests: number;
}

/** How the app's schedule evaluates the alerts. */
export interface ScheduleSettings extends AlertSettings {
  readonly intervalMs: number;
  /** Windows kept for the alerts and the dashboard (the newest; older ones are in `monitor report`). */
  readonly maxWindows: number;
}

export const scheduleDefaults: ScheduleSettings = Object.freeze({
  // Matches the drift persistence measured in results/monitoring/validation.json (2 windows in a row).
  persistence: monitorDefaults.persistence,
  // The serving goal the recipes are sized for (p99 ≤ 200 ms, recipes/latency.yaml).
  p99TargetMs: 200,
  // 5xx answers are bugs or outages, not load (load is shed with 429/503 and never counted here).
  errorRateMax: 0.05,
  minRequests: 20,
  // A window of 60 uploads takes minutes at our traffic; a minute's delay costs nothing, the tests ~0.3 s.
  intervalMs: 60_000,
  maxWindows: 12,
});

/** Merges overrides onto the schedule defaults, rejecting impossible values. */
export function scheduleSettings(overrides: Partial<ScheduleSettings> = {}): ScheduleSettings {
  const settings = { ...scheduleDefaults, ...overrides };
  if (!(settings.intervalMs >= 1000))
    throw new MonitorSettingError(`interval ${settings.intervalMs} ms: evaluate at most once a second`);
  if (!Number.isInteger(settings.maxWindows) || settings.maxWindows < 1)
    throw new MonitorSettingError(`maxWindows ${settings.maxWindows}: keep at least 1`);
  if (!(settings.errorRateMax > 0 && settings.errorRateMax < 1))
    throw new MonitorSettingError(`errorRateMax ${settings.errorRateMax} must lie between 0 and 1`);
  if (!(settings.p99TargetMs > 0)) throw new MonitorSettingError(`p99 target ${settings.p99TargetMs} ms`);
  if (!Number.isInteger(settings.persistence) || settings.persistence < 1)
    throw new MonitorSettingError(`persistence ${settings.persistence}: use at least 1`);
  return Object.freeze(settings);
}
