import { normalSurvival } from './distributions.js';

export interface MeanShiftResult {
  /** Window mean − reference mean. */
  readonly difference: number;
  readonly pValue: number;
  /** Cohen's d: the difference in pooled standard deviations. */
  readonly cohensD: number;
}

/**
 * Welch's test on the mean confidence, with the normal approximation (windows are ≥ 30 predictions, where the
 * t and normal tails differ by less than the confidences' own skew). Two-sided unless `alternative` says
 * `less` (the window's mean is lower).
 */
export function meanShiftTest(
  reference: ArrayLike<number>,
  window: ArrayLike<number>,
  alternative: 'two-sided' | 'less' = 'two-sided',
): MeanShiftResult {
  const r = moments(reference);
  const w = moments(window);
  const difference = w.mean - r.mean;
  const se = Math.sqrt(r.variance / r.n + w.variance / w.n) || 1e-12;
  const z = difference / se;
  const pValue = alternative === 'less' ? normalSurvival(-z) : Math.min(1, 2 * normalSurvival(Math.abs(z)));
  const pooled = Math.sqrt(((r.n - 1) * r.variance + (w.n - 1) * w.variance) / (r.n + w.n - 2)) || 1e-12;
  return { difference, pValue, cohensD: difference / pooled };
}

export interface AccuracyEstimate {
  /** Expected accuracy: the mean probability of the predicted class. */
  readonly estimate: number;
  /** 95 % interval of the window's realised accuracy if the model is calibrated on this traffic. */
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

/**
 * Confidence-based performance estimation. Assumption: the calibration measured on held-out photos still
 * holds, i.e. P(correct | confidence = c) = c on this traffic. That survives covariate shift the model is
 * unsure about, and fails under concept drift (users mean something else by a class) or confidently wrong
 * shifts; the correction stream is the check on it. Each prediction is right with probability c_i, so the
 * count right is Poisson-binomial: variance Σ c_i(1 − c_i).
 */
export function estimateAccuracy(confidences: ArrayLike<number>): AccuracyEstimate {
  const n = confidences.length;
  if (n === 0) return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  let total = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const c = confidences[i]!;
    total += c;
    variance += c * (1 - c);
  }
  const estimate = total / n;
  const half = (1.96 * Math.sqrt(variance)) / n;
  return { estimate, low: Math.max(0, estimate - half), high: Math.min(1, estimate + half), n };
}

function moments(values: ArrayLike<number>): { n: number; mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  return { n, mean, variance: variance / Math.max(1, n - 1) };
}
