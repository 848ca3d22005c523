/** Turns a worker's answer for a batch into what each of its requests gets, and what the cost model learns. */
import { ImageError, type VisionErrorCode, visionErrorCodes } from '../vision/index.js';
import type { Prediction } from './classifier.js';
import type { CostSample } from './cost-model.js';
import { InferenceError, type InferenceErrorCode, inferenceErrorCodes } from './errors.js';
import type { ModelSource } from './model-source.js';
import type { Pending } from './pool-state.js';
import { toPrediction } from './prediction.js';
import type { BatchResult, WireError } from './worker-messages.js';

/** Decode times of the photos that decoded: tensors and failed photos say nothing about decode cost. */
export function decodeSamples(items: readonly Pending[], result: BatchResult): CostSample[] {
  return items.flatMap((pending, index) =>
    pending.pixels > 0 && !result.errors[index]
      ? [{ pixels: pending.pixels, decodeMs: result.decodeMs[index] ?? 0 }]
      : [],
  );
}

/** What the request at `index` of a finished batch gets: its prediction, or the error it met. */
export function batchOutcome(
  pending: Pending,
  index: number,
  result: BatchResult,
  model: ModelSource,
  now: number,
): Prediction | Error {
  const error = result.errors[index];
  const row = result.rows[index] ?? -1;
  if (error || row < 0) return fromWire(error ?? null);
  const { classes, embeddingWidth: width } = result;
  const timings = {
    decode_ms: result.decodeMs[index] ?? 0,
    queue_ms: (pending.dispatchedAt ?? now) - pending.enqueuedAt,
    infer_ms: result.inferMs,
  };
  try {
    const probabilities = result.probabilities.subarray(row * classes, (row + 1) * classes);
    const embedding = result.embedding?.subarray(row * width, (row + 1) * width);
    return toPrediction(probabilities, model, timings, embedding);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Rebuilds a typed error from its wire form, so the server answers with the right status. */
function fromWire(error: WireError | null): Error {
  if (!error) return new Error('bug: worker returned no row and no error');
  if (error.code in visionErrorCodes) return new ImageError(error.code as VisionErrorCode, error.message);
  if (error.code in inferenceErrorCodes && error.statusCode < 500)
    return new InferenceError(error.code as InferenceErrorCode, error.message, { status: error.statusCode });
  return new InferenceError('GG_ERR_INFERENCE', error.message);
}
