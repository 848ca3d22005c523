import { type FitPredict, groupKFold, outOfFoldProbabilities } from './label-errors.js';

export interface ProbeRow {
  readonly embedding: Float32Array;
  readonly source: string;
  readonly label: string;
  readonly group: string;
}

export interface ProbeScore {
  readonly n: number;
  /** Out-of-fold accuracy of telling the source from the embedding. */
  readonly top1: number;
  /** Accuracy of always guessing the largest source: the probe must beat this to mean anything. */
  readonly majority_baseline: number;
  readonly sources: Readonly<Record<string, number>>;
}

/** Overall, and within each class that has photos from two or more sources. */
export interface SourceProbe extends ProbeScore {
  readonly within_class: readonly (ProbeScore & { readonly class: string })[];
}

/**
 * How well a linear probe tells a photo's source from its embedding. Within one class, a probe far above the
 * majority baseline means the sources look different (background, lighting, framing) and a food head can use
 * that difference as a shortcut instead of the food.
 */
export function probeSource(
  rows: readonly ProbeRow[],
  width: number,
  k: number,
  fitPredict: (classes: number) => FitPredict,
  minPerSource = 8,
): SourceProbe {
  const overall = score(rows, width, k, fitPredict);
  const within: (ProbeScore & { class: string })[] = [];
  for (const name of [...new Set(rows.map((r) => r.label))].sort()) {
    const subset = rows.filter((r) => r.label === name);
    const counts = countBy(subset);
    const big = Object.keys(counts).filter((s) => counts[s]! >= minPerSource);
    if (big.length < 2) continue;
    const kept = subset.filter((r) => big.includes(r.source));
    if (new Set(kept.map((r) => r.group)).size < k) continue;
    within.push({ class: name, ...score(kept, width, k, fitPredict) });
  }
  return { ...overall, within_class: within };
}

function score(
  rows: readonly ProbeRow[],
  width: number,
  k: number,
  fitPredict: (classes: number) => FitPredict,
): ProbeScore {
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const counts = countBy(rows);
  const features = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    features.set(r.embedding, i * width);
  });
  const labels = Int32Array.from(rows, (r) => sources.indexOf(r.source));
  const folds = groupKFold(
    rows.map((r) => r.group),
    k,
  );
  const classes = sources.length;
  const probabilities = outOfFoldProbabilities(features, labels, folds, width, classes, fitPredict(classes));
  let correct = 0;
  for (let i = 0; i < rows.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probabilities[i * classes + c]! > probabilities[i * classes + best]!) best = c;
    if (best === labels[i]) correct++;
  }
  const round = (v: number): number => Math.round(v * 1e4) / 1e4;
  return {
    n: rows.length,
    top1: round(correct / rows.length),
    majority_baseline: round(Math.max(...Object.values(counts)) / rows.length),
    sources: counts,
  };
}

function countBy(rows: readonly ProbeRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.source] = (counts[r.source] ?? 0) + 1;
  return counts;
}
