/** Offline classification metrics; pure functions over predicted probabilities and true labels. */

export interface ClassMetrics {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport {
  readonly n: number;
  readonly top1: number;
  readonly top2: number;
  readonly macro_f1: number;
  readonly balanced_accuracy: number;
  /** Expected calibration error over 15 equal-width confidence bins. */
  readonly ece: number;
  readonly per_class: readonly ClassMetrics[];
  /** confusion[true][predicted] */
  readonly confusion: readonly (readonly number[])[];
  readonly classes: readonly string[];
}

/** Index of the largest value in `row`, the first one on ties. */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}

/** Class indices of a probability row, most likely first. */
export function ranked(values: ArrayLike<number>, offset: number, length: number): number[] {
  return Array.from({ length }, (_, c) => c).sort(
    (a, b) => values[offset + b]! - values[offset + a]! || a - b,
  );
}

/**
 * Top-1/top-2 accuracy, macro-F1, per-class precision/recall/F1/support, the confusion matrix and ECE.
 * `probabilities` is row-major n × classes.
 */
export function classificationReport(
  probabilities: Float32Array | readonly number[],
  labels: ArrayLike<number>,
  classes: readonly string[],
): ClassificationReport {
  const k = classes.length;
  const n = labels.length;
  if (probabilities.length !== n * k)
    throw new Error(`bug: ${probabilities.length} probabilities for ${n} × ${k}`);
  const confusion = classes.map(() => new Array<number>(k).fill(0));
  let top1 = 0;
  let top2 = 0;
  const bins = 15;
  const binCount = new Array<number>(bins).fill(0);
  const binConfidence = new Array<number>(bins).fill(0);
  const binCorrect = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const [first, second] = ranked(probabilities, i * k, k);
    const label = labels[i]!;
    confusion[label]![first!]!++;
    const correct = first === label;
    if (correct) top1++;
    if (correct || second === label) top2++;
    const confidence = probabilities[i * k + first!]!;
    const bin = Math.min(bins - 1, Math.floor(confidence * bins));
    binCount[bin]!++;
    binConfidence[bin]! += confidence;
    if (correct) binCorrect[bin]!++;
  }
  const per_class = classes.map((name, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { class: name, precision, recall, f1, support };
  });
  const present = per_class.filter((c) => c.support > 0);
  let ece = 0;
  for (let b = 0; b < bins; b++)
    if (binCount[b]! > 0)
      ece += (binCount[b]! / n) * Math.abs(binCorrect[b]! / binCount[b]! - binConfidence[b]! / binCount[b]!);
  return {
    n,
    top1: n === 0 ? 0 : top1 / n,
    top2: n === 0 ? 0 : top2 / n,
    macro_f1: mean(present.map((c) => c.f1)),
    balanced_accuracy: mean(present.map((c) => c.recall)),
    ece,
    per_class,
    confusion,
    classes,
  };
}

/** Accuracy of each group (source, slice) with its count, largest group first. */
export function groupAccuracy(
  probabilities: Float32Array | readonly number[],
  labels: ArrayLike<number>,
  groups: readonly string[],
  classes: number,
): { group: string; n: number; top1: number }[] {
  const totals = new Map<string, { n: number; correct: number }>();
  groups.forEach((group, i) => {
    const entry = totals.get(group) ?? { n: 0, correct: 0 };
    entry.n++;
    if (argmax(probabilities, i * classes, classes) === labels[i]) entry.correct++;
    totals.set(group, entry);
  });
  return [...totals.entries()]
    .map(([group, { n, correct }]) => ({ group, n, top1: correct / n }))
    .sort((a, b) => b.n - a.n || (a.group < b.group ? -1 : 1));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
