import { argmax, type ClassificationReport, classificationReport, groupAccuracy } from './metrics.js';

/** One evaluated photo with what the slices need to know about it. */
export interface AnalysedExample {
  readonly file: string;
  readonly label: number;
  readonly source: string;
  readonly width: number;
  readonly height: number;
  /** Mean luma, 0–255. */
  readonly brightness: number;
}

export interface SliceThresholds {
  /** Shorter side (px) under which a photo is "small". */
  readonly smallSide: number;
  /** Mean luma under which a photo is "dark". */
  readonly dark: number;
  /** Mean luma over which a photo is "bright" (overexposed, or a white lab background). */
  readonly bright: number;
}

export const defaultSliceThresholds: SliceThresholds = Object.freeze({
  smallSide: 256,
  dark: 80,
  bright: 170,
});

export interface ConfusedPair {
  readonly true: string;
  readonly predicted: string;
  readonly count: number;
  /** Share of the true class's photos that went to `predicted`. */
  readonly share: number;
}

export interface ExampleOutcome {
  readonly file: string;
  readonly source: string;
  readonly label: string;
  readonly predicted: string;
  readonly confidence: number;
}

export interface SliceAccuracy {
  readonly group: string;
  readonly n: number;
  readonly top1: number;
}

export interface ErrorAnalysis {
  readonly summary: Omit<ClassificationReport, 'confusion' | 'classes'>;
  readonly confusion: ClassificationReport['confusion'];
  readonly classes: readonly string[];
  readonly confused_pairs: readonly ConfusedPair[];
  readonly by_source: readonly SliceAccuracy[];
  readonly by_class_and_source: readonly SliceAccuracy[];
  readonly slices: readonly SliceAccuracy[];
  readonly slice_thresholds: SliceThresholds;
  readonly lowest_confidence_correct: readonly ExampleOutcome[];
  readonly highest_confidence_wrong: readonly ExampleOutcome[];
}

/** Off-diagonal cells of a confusion matrix (confusion[true][predicted]), largest first. */
export function confusedPairs(
  confusion: readonly (readonly number[])[],
  classes: readonly string[],
  top = 10,
): ConfusedPair[] {
  const pairs: ConfusedPair[] = [];
  confusion.forEach((row, t) => {
    const support = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      if (p !== t && count > 0)
        pairs.push({ true: classes[t]!, predicted: classes[p]!, count, share: round(count / support) });
    });
  });
  return pairs.sort((a, b) => b.count - a.count || b.share - a.share).slice(0, top);
}

/** The slices a photo belongs to (besides "all"): small, dark, bright. */
export function slicesOf(example: AnalysedExample, thresholds: SliceThresholds): string[] {
  const slices: string[] = [];
  if (Math.min(example.width, example.height) < thresholds.smallSide)
    slices.push(`small (<${thresholds.smallSide} px)`);
  if (example.brightness < thresholds.dark) slices.push(`dark (luma <${thresholds.dark})`);
  if (example.brightness > thresholds.bright) slices.push(`bright (luma >${thresholds.bright})`);
  return slices;
}

/**
 * Everything the error analysis reports from predicted probabilities (row-major n × classes) and the
 * examples: overall metrics, the most confused pairs, accuracy by source, by class × source and by slice,
 * and the extremes worth looking at.
 */
export function analyseErrors(
  probabilities: Float32Array,
  examples: readonly AnalysedExample[],
  classes: readonly string[],
  options: { thresholds?: SliceThresholds; extremes?: number } = {},
): ErrorAnalysis {
  const thresholds = options.thresholds ?? defaultSliceThresholds;
  const k = classes.length;
  const labels = Int32Array.from(examples, (e) => e.label);
  const { confusion, classes: _classes, ...summary } = classificationReport(probabilities, labels, classes);
  const sliceRows: { group: string; index: number }[] = [];
  examples.forEach((e, i) => {
    sliceRows.push({ group: 'all', index: i });
    for (const s of slicesOf(e, thresholds)) sliceRows.push({ group: s, index: i });
  });
  const sliceProbabilities = new Float32Array(sliceRows.length * k);
  sliceRows.forEach((r, j) => {
    sliceProbabilities.set(probabilities.subarray(r.index * k, (r.index + 1) * k), j * k);
  });
  const outcomes = examples.map((e, i) => {
    const predicted = argmax(probabilities, i * k, k);
    return {
      correct: predicted === e.label,
      outcome: {
        file: e.file,
        source: e.source,
        label: classes[e.label]!,
        predicted: classes[predicted]!,
        confidence: round(probabilities[i * k + predicted]!),
      },
    };
  });
  const extremes = options.extremes ?? 24;
  return {
    summary,
    confusion,
    classes,
    confused_pairs: confusedPairs(confusion, classes),
    by_source: roundAll(
      groupAccuracy(
        probabilities,
        labels,
        examples.map((e) => e.source),
        k,
      ),
    ),
    by_class_and_source: roundAll(
      groupAccuracy(
        probabilities,
        labels,
        examples.map((e) => `${classes[e.label]} / ${e.source}`),
        k,
      ),
    ).sort((a, b) => (a.group < b.group ? -1 : 1)),
    slices: roundAll(
      groupAccuracy(
        sliceProbabilities,
        Int32Array.from(sliceRows, (r) => labels[r.index]!),
        sliceRows.map((r) => r.group),
        k,
      ),
    ),
    slice_thresholds: thresholds,
    lowest_confidence_correct: outcomes
      .filter((o) => o.correct)
      .map((o) => o.outcome)
      .sort((a, b) => a.confidence - b.confidence || (a.file < b.file ? -1 : 1))
      .slice(0, extremes),
    highest_confidence_wrong: outcomes
      .filter((o) => !o.correct)
      .map((o) => o.outcome)
      .sort((a, b) => b.confidence - a.confidence || (a.file < b.file ? -1 : 1))
      .slice(0, extremes),
  };
}

function roundAll(rows: readonly SliceAccuracy[]): SliceAccuracy[] {
  return rows.map((r) => ({ ...r, top1: round(r.top1) }));
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
