import type { Random } from '../core/index.js';

export interface MmdOptions {
  readonly permutations: number;
  readonly random: Random;
}

export interface MmdResult {
  /** Unbiased MMD² (can dip below zero when the samples match). */
  readonly mmd2: number;
  /** (k + 1) / (permutations + 1), k = permutations whose MMD² reached the observed one. */
  readonly pValue: number;
  /** √max(0, MMD²): a distance in the kernel's feature space, 0 = same distribution, at most √2. */
  readonly effect: number;
  /** The RBF bandwidth used: σ² = median squared distance over the pooled sample / 2. */
  readonly sigma2: number;
}

/**
 * Maximum mean discrepancy between two samples of `dims`-wide rows (row-major), RBF kernel
 * k(a, b) = exp(-|a-b|² / 2σ²) with the median heuristic on the pooled sample. The p-value permutes the pooled
 * sample (not a bootstrap of the reference alone), so under "same distribution" it is exact: P(p ≤ α) ≤ α.
 * The bandwidth depends only on the pooled set, which every permutation shares, so fixing it once keeps the
 * test exact. One kernel matrix, then each permutation costs O(n²) in the window size n, not in the pool:
 * with row sums r and total T, S_xy = Σ_{i∈Y} r_i − S_yy and S_xx = T − 2·S_xy − S_yy.
 */
export function mmdTest(x: Float64Array, y: Float64Array, dims: number, options: MmdOptions): MmdResult {
  const m = x.length / dims;
  const n = y.length / dims;
  if (m < 2 || n < 2) throw new Error('bug: MMD needs at least two rows per sample');
  const total = m + n;
  const pooled = new Float64Array(total * dims);
  pooled.set(x, 0);
  pooled.set(y, m * dims);
  const d2 = new Float64Array(total * total);
  const upper = new Float64Array((total * (total - 1)) / 2);
  let u = 0;
  for (let i = 0; i < total; i++) {
    for (let j = i + 1; j < total; j++) {
      let s = 0;
      for (let k = 0; k < dims; k++) {
        const diff = pooled[i * dims + k]! - pooled[j * dims + k]!;
        s += diff * diff;
      }
      d2[i * total + j] = s;
      d2[j * total + i] = s;
      upper[u++] = s;
    }
  }
  const median = upper.sort()[Math.floor(upper.length / 2)]!;
  const sigma2 = Math.max(median / 2, 1e-12);
  const kernel = d2;
  const rowSum = new Float64Array(total);
  let all = 0;
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < total; j++) {
      const v = i === j ? 0 : Math.exp(-d2[i * total + j]! / (2 * sigma2));
      kernel[i * total + j] = v;
      rowSum[i] = rowSum[i]! + v;
    }
    all += rowSum[i]!;
  }
  const statistic = (members: Int32Array) => {
    let syy = 0;
    let ry = 0;
    for (let a = 0; a < n; a++) {
      const i = members[a]!;
      ry += rowSum[i]!;
      for (let b = 0; b < n; b++) syy += kernel[i * total + members[b]!]!;
    }
    const sxy = ry - syy;
    const sxx = all - 2 * sxy - syy;
    return sxx / (m * (m - 1)) + syy / (n * (n - 1)) - (2 * sxy) / (m * n);
  };
  const observedMembers = Int32Array.from({ length: n }, (_, a) => m + a);
  const mmd2 = statistic(observedMembers);
  const order = Int32Array.from({ length: total }, (_, i) => i);
  let reached = 0;
  for (let p = 0; p < options.permutations; p++) {
    // Partial Fisher–Yates: the last n slots become a uniformly random window.
    for (let i = total - 1; i >= total - n; i--) {
      const j = Math.floor(options.random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    if (statistic(order.subarray(total - n)) >= mmd2) reached++;
  }
  return {
    mmd2,
    pValue: (reached + 1) / (options.permutations + 1),
    effect: Math.sqrt(Math.max(0, mmd2)),
    sigma2,
  };
}
