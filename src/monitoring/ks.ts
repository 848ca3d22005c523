import { kolmogorovSurvival } from './distributions.js';
import { holmAdjust } from './multiple-testing.js';

export interface KsResult {
  /** The largest gap between the two empirical CDFs: also the effect size (0 = same, 1 = disjoint). */
  readonly statistic: number;
  readonly pValue: number;
}

/** Two-sample Kolmogorov–Smirnov test (two-sided; ties handled by stepping past equal values together). */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new Error('bug: KS test on an empty sample');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return { statistic: d, pValue: kolmogorovSurvival(d, n, m) };
}

export interface MultiKsResult {
  /** The largest per-dimension KS distance (effect size). */
  readonly statistic: number;
  /** The smallest Holm-adjusted p-value: the family's verdict at any level. */
  readonly pValue: number;
  readonly perDimension: readonly {
    readonly statistic: number;
    readonly pValue: number;
    readonly adjusted: number;
  }[];
}

/** KS on every column of two row-major matrices (`dims` columns), Holm-adjusted across the columns. */
export function ksPerDimension(reference: Float64Array, window: Float64Array, dims: number): MultiKsResult {
  const column = (data: Float64Array, d: number) => {
    const out = new Float64Array(data.length / dims);
    for (let r = 0; r < out.length; r++) out[r] = data[r * dims + d]!;
    return out;
  };
  const raw = Array.from({ length: dims }, (_, d) => ksTest(column(reference, d), column(window, d)));
  const adjusted = holmAdjust(raw.map((r) => r.pValue));
  return {
    statistic: Math.max(...raw.map((r) => r.statistic)),
    pValue: Math.min(...adjusted),
    perDimension: raw.map((r, d) => ({ statistic: r.statistic, pValue: r.pValue, adjusted: adjusted[d]! })),
  };
}
