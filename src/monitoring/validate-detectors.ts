import { seededRandom, shuffle } from '../core/index.js';
import type { Observation } from './observation.js';
import type { Reference } from './reference.js';
import type { MonitorSettings } from './settings.js';
import { analyseWindow } from './window-analysis.js';

/** A way of drawing production-like windows: from one pool of observations, optionally weighted. */
export interface Condition {
  readonly name: string;
  /** What the shift is, in words. */
  readonly description: string;
  readonly pool: readonly Observation[];
  /** Relative chance of drawing each pool item (class mix shifts); uniform when absent. */
  readonly weights?: readonly number[];
}

export interface ConditionResult {
  readonly condition: string;
  readonly description: string;
  readonly window: number;
  readonly windows: number;
  /** Share of windows each test flagged: the false-alarm rate on clean windows, the power on shifted ones. */
  readonly flagged: Readonly<Record<string, number>>;
  /** Share of windows with any flag (the window's verdict). */
  readonly any: number;
  /** Share of runs of `persistence` consecutive windows all flagged (what an alert needs). */
  readonly persistent: number;
  readonly mean_accuracy_estimate: number;
  /** Accuracy actually measured on the pool (labels known), where given. */
  readonly measured_accuracy?: number;
}

/**
 * Draws `windows` windows of each size from each condition (without replacement inside a window, seeded) and
 * runs every drift test on them against the reference. Sizes larger than a condition's pool are skipped.
 */
export function validateDetectors(
  reference: Reference,
  conditions: readonly (Condition & { readonly windows: number; readonly measuredAccuracy?: number })[],
  sizes: readonly number[],
  settings: MonitorSettings,
): ConditionResult[] {
  const results: ConditionResult[] = [];
  for (const condition of conditions)
    for (const size of sizes.filter((s) => s <= condition.pool.length)) {
      const random = seededRandom(settings.seed * 1000 + size);
      const flaggedCounts = new Map<string, number>();
      const flags: boolean[] = [];
      let accuracy = 0;
      for (let w = 0; w < condition.windows; w++) {
        const window = draw(condition, size, random);
        const analysis = analyseWindow(reference, window, {
          ...settings,
          window: size,
          seed: settings.seed + w,
        });
        for (const test of analysis.tests)
          flaggedCounts.set(test.name, (flaggedCounts.get(test.name) ?? 0) + (test.drift ? 1 : 0));
        flags.push(analysis.tests.some((t) => t.drift));
        accuracy += analysis.accuracy.estimate;
      }
      let runs = 0;
      for (let i = 0; i + settings.persistence <= flags.length; i++)
        if (flags.slice(i, i + settings.persistence).every(Boolean)) runs++;
      results.push({
        condition: condition.name,
        description: condition.description,
        window: size,
        windows: condition.windows,
        flagged: Object.fromEntries(
          [...flaggedCounts].map(([name, count]) => [name, count / condition.windows]),
        ),
        any: flags.filter(Boolean).length / flags.length,
        persistent: runs / Math.max(1, flags.length - settings.persistence + 1),
        mean_accuracy_estimate: accuracy / condition.windows,
        ...(condition.measuredAccuracy !== undefined
          ? { measured_accuracy: condition.measuredAccuracy }
          : {}),
      });
    }
  return results;
}

function draw(condition: Condition, size: number, random: () => number): Observation[] {
  const { pool, weights } = condition;
  if (!weights) return shuffle([...pool], random).slice(0, size);
  // Weighted sampling without replacement (Efraimidis–Spirakis keys).
  return pool
    .map((item, i) => ({ item, key: random() ** (1 / Math.max(weights[i]!, 1e-9)) }))
    .sort((a, b) => b.key - a.key)
    .slice(0, size)
    .map((e) => e.item);
}
