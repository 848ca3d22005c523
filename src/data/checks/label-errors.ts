import { createHash } from 'node:crypto';

/**
 * Assigns whole groups to k folds, biggest group first into the emptiest fold (like scikit-learn's
 * GroupKFold), so photos of one dish never sit on both sides of a fold. Ties break on a hash of the group
 * name, so the split does not depend on input order.
 */
export function groupKFold(groups: readonly string[], k: number): Int32Array {
  if (!(k >= 2)) throw new Error(`bug: k-fold needs k ≥ 2, got ${k}`);
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  if (sizes.size < k) throw new Error(`bug: ${sizes.size} groups cannot fill ${k} folds`);
  const tie = (g: string): string => createHash('sha1').update(g).digest('hex');
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || (tie(a) < tie(b) ? -1 : 1));
  const load = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const g of order) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
    foldOf.set(g, best);
    load[best]! += sizes.get(g)!;
  }
  return Int32Array.from(groups, (g) => foldOf.get(g)!);
}

/** Fits a classifier on some rows and returns class probabilities (row-major) for others. */
export type FitPredict = (
  train: { features: Float32Array; labels: Int32Array },
  test: Float32Array,
) => Float32Array;

/**
 * Out-of-fold probabilities: each row is scored by a model that never saw it nor any photo of its group.
 * `features` is n × width row-major.
 */
export function outOfFoldProbabilities(
  features: Float32Array,
  labels: Int32Array,
  folds: Int32Array,
  width: number,
  classes: number,
  fitPredict: FitPredict,
): Float32Array {
  const n = labels.length;
  const out = new Float32Array(n * classes);
  const k = Math.max(...folds) + 1;
  for (let f = 0; f < k; f++) {
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let i = 0; i < n; i++) (folds[i] === f ? testRows : trainRows).push(i);
    if (testRows.length === 0) continue;
    const probabilities = fitPredict(
      {
        features: gatherRows(features, trainRows, width),
        labels: Int32Array.from(trainRows, (i) => labels[i]!),
      },
      gatherRows(features, testRows, width),
    );
    testRows.forEach((row, r) => {
      out.set(probabilities.subarray(r * classes, (r + 1) * classes), row * classes);
    });
  }
  return out;
}

export interface SuspectedLabelError {
  readonly index: number;
  readonly given: number;
  readonly suggested: number;
  /** Out-of-fold probability of the given label. */
  readonly self_confidence: number;
  readonly suggested_probability: number;
  /** suggested_probability − self_confidence: the ranking key, largest first. */
  readonly margin: number;
}

/**
 * Confident learning (Northcutt et al., 2021), the "confident joint" flavour: a class's threshold is the mean
 * probability the model gives that class on examples labelled with it. An example is suspect when its given
 * label's probability is below that label's threshold while some other class is at or above its own; the
 * suggestion is the most probable such class. Ranked by margin, most suspicious first.
 */
export function confidentLearning(
  probabilities: Float32Array,
  labels: ArrayLike<number>,
  classes: number,
): {
  thresholds: number[];
  suspects: SuspectedLabelError[];
} {
  const n = labels.length;
  const sums = new Array<number>(classes).fill(0);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    sums[labels[i]!]! += probabilities[i * classes + labels[i]!]!;
    counts[labels[i]!]!++;
  }
  // A class with no examples can never be "confidently" another example's class.
  const thresholds = sums.map((s, c) => (counts[c]! > 0 ? s / counts[c]! : Number.POSITIVE_INFINITY));
  const suspects: SuspectedLabelError[] = [];
  for (let i = 0; i < n; i++) {
    const given = labels[i]!;
    const self = probabilities[i * classes + given]!;
    if (self >= thresholds[given]!) continue;
    let suggested = -1;
    for (let c = 0; c < classes; c++) {
      if (c === given) continue;
      const p = probabilities[i * classes + c]!;
      if (p >= thresholds[c]! && (suggested < 0 || p > probabilities[i * classes + suggested]!))
        suggested = c;
    }
    if (suggested < 0) continue;
    const suggestedProbability = probabilities[i * classes + suggested]!;
    suspects.push({
      index: i,
      given,
      suggested,
      self_confidence: self,
      suggested_probability: suggestedProbability,
      margin: suggestedProbability - self,
    });
  }
  suspects.sort((a, b) => b.margin - a.margin || a.index - b.index);
  return { thresholds, suspects };
}

function gatherRows(features: Float32Array, rows: readonly number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    out.set(features.subarray(row * width, (row + 1) * width), r * width);
  });
  return out;
}
