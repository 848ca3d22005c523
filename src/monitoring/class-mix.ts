import { chiSquareSurvival } from './distributions.js';

export interface ClassMixResult {
  readonly chiSquare: number;
  readonly pValue: number;
  /** Cramér's V of the 2×k table (reference vs window by class): 0 = same mix, 1 = no class in common. */
  readonly cramersV: number;
}

/**
 * Chi-square test of homogeneity between the reference's and the window's predicted-class counts. A
 * homogeneity test, not goodness of fit to fixed proportions: the reference is itself a sample, and treating
 * its mix as exact would call its own noise drift. Classes neither sample holds drop out of the degrees of
 * freedom.
 */
export function classMixTest(reference: readonly number[], window: readonly number[]): ClassMixResult {
  const m = sum(reference);
  const n = sum(window);
  let chi = 0;
  let classes = 0;
  for (let c = 0; c < reference.length; c++) {
    const column = reference[c]! + window[c]!;
    if (column === 0) continue;
    classes++;
    const expectedRef = (column * m) / (m + n);
    const expectedWin = (column * n) / (m + n);
    chi += (reference[c]! - expectedRef) ** 2 / expectedRef + (window[c]! - expectedWin) ** 2 / expectedWin;
  }
  const df = Math.max(1, classes - 1);
  return { chiSquare: chi, pValue: chiSquareSurvival(chi, df), cramersV: Math.sqrt(chi / (m + n)) };
}

export interface PsiResult {
  readonly psi: number;
  /** "stable" below 0.1, "moderate" to 0.2, "significant" above: the industry's bands. */
  readonly band: 'stable' | 'moderate' | 'significant';
  /**
   * PSI is the Jeffreys divergence of the two mixes, so nm/(n+m)·PSI is asymptotically chi-square with k−1
   * degrees of freedom when nothing changed. That gives PSI the p-value its bands lack: with 60 predictions
   * over 11 classes, PSI's own noise is ~0.3, past the 0.2 band, so the band alone would cry wolf.
   */
  readonly pValue: number;
}

/** Population stability index of class proportions; half a count added to every cell so empty classes stay finite. */
export function psi(reference: readonly number[], window: readonly number[]): PsiResult {
  const m = sum(reference);
  const n = sum(window);
  const k = reference.length;
  let value = 0;
  for (let c = 0; c < k; c++) {
    const r = (reference[c]! + 0.5) / (m + 0.5 * k);
    const w = (window[c]! + 0.5) / (n + 0.5 * k);
    value += (w - r) * Math.log(w / r);
  }
  return {
    psi: value,
    band: value < 0.1 ? 'stable' : value < 0.2 ? 'moderate' : 'significant',
    pValue: chiSquareSurvival(((n * m) / (n + m)) * value, Math.max(1, k - 1)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
