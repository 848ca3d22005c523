import type { DatasetItem } from '../data/index.js';
import type { TrainingSet } from '../models/index.js';

/** Rows of a training set from per-item view embeddings: every view, or the centre view (the first) only. */
export function toTrainingSet(
  items: readonly DatasetItem[],
  embeddings: readonly Float32Array[][],
  width: number,
  classes: number,
  views: 'all' | 'centre',
): TrainingSet {
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  items.forEach((item, i) => {
    const list = views === 'all' ? embeddings[i]! : embeddings[i]!.slice(0, 1);
    for (const e of list) {
      rows.push(e);
      labels.push(item.label);
    }
  });
  const features = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    features.set(row, i * width);
  });
  return { features, labels: Int32Array.from(labels), width, classes };
}
