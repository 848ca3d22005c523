import { createHash } from 'node:crypto';
import type { Classifier } from '../inference/index.js';
import { EmbeddingCache } from '../models/index.js';
import { type ImageStats, measureImage } from './image-stats.js';
import type { Observation } from './observation.js';
import type { RandomProjection } from './projection.js';

export interface ObservedPhoto {
  readonly observation: Observation;
  readonly probabilities: Float32Array;
}

export interface ObserveOptions {
  readonly projection: RandomProjection;
  /** Caches probabilities + embedding + image statistics per (photo bytes, model version). */
  readonly cache?: EmbeddingCache;
  readonly inFlight?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Classifies photos the way production does (the real classifier on the photo bytes) and turns each answer
 * into what the log would hold. Used to build references and to validate the detectors on shifted photos.
 */
export async function observePhotos(
  classifier: Classifier,
  photos: readonly Uint8Array[],
  options: ObserveOptions,
): Promise<ObservedPhoto[]> {
  const info = classifier.info();
  const classes = info.classes.length;
  const width = classes + options.projection.inputWidth + 4;
  const out = new Array<ObservedPhoto>(photos.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < photos.length) {
      const index = next++;
      const bytes = photos[index]!;
      const key = EmbeddingCache.key(
        createHash('sha256').update(bytes).digest('hex'),
        info.model,
        info.version,
        'monitoring-observation-v1',
      );
      let row = await options.cache?.get(key, width);
      if (!row) {
        const [prediction, image] = await Promise.all([classifier.classify(bytes), measureImage(bytes)]);
        if (!prediction.probabilities || !prediction.embedding)
          throw new Error(
            'bug: observing photos needs a classifier that returns probabilities and embeddings',
          );
        row = new Float32Array(width);
        row.set(prediction.probabilities, 0);
        row.set(prediction.embedding, classes);
        row.set([image.width, image.height, image.brightness, image.sharpness], width - 4);
        await options.cache?.put(key, row);
      }
      out[index] = toObserved(row, info.classes, options.projection);
      options.onProgress?.(++done, photos.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight ?? 8, photos.length) }, worker));
  return out;
}

function toObserved(
  row: Float32Array,
  classes: readonly string[],
  projection: RandomProjection,
): ObservedPhoto {
  const probabilities = row.slice(0, classes.length);
  let best = 0;
  for (let c = 1; c < classes.length; c++) if (probabilities[c]! > probabilities[best]!) best = c;
  const tail = row.length - 4;
  const image: ImageStats = {
    width: row[tail]!,
    height: row[tail + 1]!,
    brightness: row[tail + 2]!,
    sharpness: row[tail + 3]!,
  };
  return {
    probabilities,
    observation: {
      category: classes[best]!,
      confidence: probabilities[best]!,
      projection: projection.project(row.subarray(classes.length, tail)),
      image,
    },
  };
}
