import { normalSurvival } from './distributions.js';
import { holmAdjust } from './multiple-testing.js';

export interface ClassCounts {
  readonly predicted: number;
  readonly corrected: number;
}

export interface CorrectionRateResult {
  /** The largest per-class z of "this window's correction rate is above the baseline's". */
  readonly statistic: number;
  /** Smallest Holm-adjusted one-sided p-value over the classes. */
  readonly pValue: number;
  /** The largest rise in correction rate (window − baseline), in rate units. */
  readonly effect: number;
  readonly perClass: readonly { readonly z: number; readonly pValue: number; readonly rise: number }[];
}

/**
 * Per-class correction-rate test: for each predicted class, a one-sided two-proportion z-test of the window's
 * correction rate against the baseline's (earlier traffic), Holm-adjusted across classes. Corrections are a
 * biased sample of errors (people correct some mistakes, not all), so rates are compared with rates of the
 * same stream, never with the model card's error rate.
 */
export function correctionRateTest(
  window: readonly ClassCounts[],
  baseline: readonly ClassCounts[],
): CorrectionRateResult {
  const perClass = window.map((w, c) => {
    const b = baseline[c] ?? { predicted: 0, corrected: 0 };
    if (w.predicted === 0 || b.predicted === 0) return { z: 0, pValue: 1, rise: 0 };
    const pw = w.corrected / w.predicted;
    const pb = b.corrected / b.predicted;
    const pooled = (w.corrected + b.corrected) / (w.predicted + b.predicted);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / w.predicted + 1 / b.predicted));
    const z = se > 0 ? (pw - pb) / se : 0;
    return { z, pValue: normalSurvival(z), rise: pw - pb };
  });
  const adjusted = holmAdjust(perClass.map((c) => c.pValue));
  return {
    statistic: Math.max(0, ...perClass.map((c) => c.z)),
    pValue: Math.min(1, ...adjusted),
    effect: Math.max(0, ...perClass.map((c) => c.rise)),
    perClass,
  };
}
