import type { ClassScore, Prediction } from './classifier.js';
import { InferenceError } from './errors.js';
import type { ModelSource } from './model-source.js';

/** How many classes a prediction lists, most likely first. */
export const topCount = 5;

/** Turns one row of probabilities into a prediction. */
export function toPrediction(
  row: Float32Array,
  model: Pick<ModelSource, 'name' | 'version' | 'classes'>,
  timings: Prediction['timings'],
  embedding?: Float32Array,
): Prediction {
  if (row.length !== model.classes.length)
    throw new InferenceError(
      'GG_ERR_MODEL_OUTPUT',
      `model returned ${row.length} probabilities for ${model.classes.length} classes`,
    );
  const top: ClassScore[] = Array.from(row, (confidence, index) => ({
    category: model.classes[index]!,
    confidence,
  }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, Math.max(3, Math.min(topCount, row.length)));
  const best = top[0]!;
  return {
    category: best.category,
    confidence: best.confidence,
    top,
    model: model.name,
    version: model.version,
    probabilities: row,
    ...(embedding ? { embedding } : {}),
    timings,
  };
}
