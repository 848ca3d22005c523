import { normalSurvival } from './distributions.js';

export interface DomainClassifierOptions {
  readonly folds: number;
  /** L2 penalty of the logistic regression, on standardised features. */
  readonly l2: number;
}

export interface DomainClassifierResult {
  /** Cross-validated ROC AUC of telling window rows from reference rows (0.5 = indistinguishable). */
  readonly auc: number;
  /**
   * One-sided Mann–Whitney p-value of the out-of-fold scores. Out-of-fold AUC under "same distribution" sits
   * slightly below 0.5 (each fold's model learns the noise of the others, which hurts it on held-out rows), so
   * this p-value is conservative; the false-alarm runs in results/monitoring measure it.
   */
  readonly pValue: number;
  /** Gini = 2·AUC − 1: 0 = indistinguishable, 1 = perfectly separable. */
  readonly effect: number;
}

/**
 * A domain classifier (Rabanser et al., "Failing loudly", 2019): L2 logistic regression fitted by Newton's
 * method, rows assigned to folds round-robin within each sample so every fold holds both.
 */
export function domainClassifierTest(
  reference: Float64Array,
  window: Float64Array,
  dims: number,
  options: DomainClassifierOptions,
): DomainClassifierResult {
  const m = reference.length / dims;
  const n = window.length / dims;
  const total = m + n;
  const features = standardise(reference, window, dims);
  const labels = new Uint8Array(total);
  labels.fill(1, m);
  const fold = new Int32Array(total);
  for (let i = 0; i < m; i++) fold[i] = i % options.folds;
  for (let i = 0; i < n; i++) fold[m + i] = i % options.folds;
  const scores = new Float64Array(total);
  for (let f = 0; f < options.folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < total; i++) (fold[i] === f ? test : train).push(i);
    const weights = fitLogistic(features, labels, train, dims, options.l2);
    for (const i of test) scores[i] = linear(weights, features, i, dims);
  }
  const { auc, pValue } = mannWhitney(scores, labels);
  return { auc, pValue, effect: 2 * auc - 1 };
}

function standardise(a: Float64Array, b: Float64Array, dims: number): Float64Array {
  const rows = (a.length + b.length) / dims;
  const out = new Float64Array(rows * dims);
  out.set(a, 0);
  out.set(b, a.length);
  for (let d = 0; d < dims; d++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += out[r * dims + d]!;
    mean /= rows;
    let variance = 0;
    for (let r = 0; r < rows; r++) variance += (out[r * dims + d]! - mean) ** 2;
    const sd = Math.sqrt(variance / rows) || 1;
    for (let r = 0; r < rows; r++) out[r * dims + d] = (out[r * dims + d]! - mean) / sd;
  }
  return out;
}

function linear(weights: Float64Array, x: Float64Array, row: number, dims: number): number {
  let z = weights[dims]!;
  for (let d = 0; d < dims; d++) z += weights[d]! * x[row * dims + d]!;
  return z;
}

/** Newton–Raphson on the penalised log-likelihood (bias unpenalised); 25 steps are far more than it needs. */
function fitLogistic(
  x: Float64Array,
  y: Uint8Array,
  rows: readonly number[],
  dims: number,
  l2: number,
): Float64Array {
  const p = dims + 1;
  const w = new Float64Array(p);
  // Balance the two samples so a 400-vs-60 split does not just learn the prior.
  let positives = 0;
  for (const r of rows) positives += y[r]!;
  const weightOf = (label: number) =>
    label
      ? rows.length / (2 * Math.max(1, positives))
      : rows.length / (2 * Math.max(1, rows.length - positives));
  for (let step = 0; step < 25; step++) {
    const gradient = new Float64Array(p);
    const hessian = new Float64Array(p * p);
    for (const r of rows) {
      const prob = 1 / (1 + Math.exp(-linear(w, x, r, dims)));
      const sw = weightOf(y[r]!);
      const g = sw * (prob - y[r]!);
      const h = sw * Math.max(prob * (1 - prob), 1e-9);
      for (let a = 0; a < p; a++) {
        const xa = a === dims ? 1 : x[r * dims + a]!;
        gradient[a] = gradient[a]! + g * xa;
        for (let b = 0; b <= a; b++)
          hessian[a * p + b] = hessian[a * p + b]! + h * xa * (b === dims ? 1 : x[r * dims + b]!);
      }
    }
    for (let a = 0; a < dims; a++) {
      gradient[a] = gradient[a]! + l2 * w[a]!;
      hessian[a * p + a] = hessian[a * p + a]! + l2;
    }
    hessian[dims * p + dims] = hessian[dims * p + dims]! + 1e-9;
    const delta = solveSymmetric(hessian, gradient, p);
    let change = 0;
    for (let a = 0; a < p; a++) {
      w[a] = w[a]! - delta[a]!;
      change = Math.max(change, Math.abs(delta[a]!));
    }
    if (change < 1e-8) break;
  }
  return w;
}

/** Cholesky solve of A·x = b, A symmetric positive definite with its lower triangle filled. */
function solveSymmetric(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      l[i * p + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * p + j]!;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * z[k]!;
    z[i] = s / l[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

/** ROC AUC by mid-ranks, and the one-sided normal-approximation p-value of U with the tie correction. */
export function mannWhitney(
  scores: Float64Array,
  labels: Uint8Array,
): { readonly auc: number; readonly pValue: number } {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(scores.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  let n1 = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++)
    if (labels[i]) {
      n1++;
      rankSum += ranks[i]!;
    }
  const n0 = labels.length - n1;
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const auc = u / (n1 * n0);
  const total = n0 + n1;
  const variance = ((n0 * n1) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  const z = (u - (n0 * n1) / 2) / Math.sqrt(Math.max(variance, 1e-12));
  return { auc, pValue: normalSurvival(z) };
}
