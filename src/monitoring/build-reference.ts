import { readFile } from 'node:fs/promises';
import type { DatasetItem } from '../data/index.js';
import type { Classifier } from '../inference/index.js';
import type { EmbeddingCache } from '../models/index.js';
import { observePhotos } from './observe-photos.js';
import { RandomProjection } from './projection.js';
import type { Reference } from './reference.js';

export interface BuildReferenceOptions {
  readonly embeddingWidth: number;
  readonly projectionSeed: number;
  readonly projectionDims: number;
  readonly photosDescription: string;
  readonly cache?: EmbeddingCache;
  readonly onProgress?: (done: number, total: number) => void;
  readonly now?: Date;
}

/** Classifies held-out photos with the serving classifier and keeps what the drift tests compare against. */
export async function buildReference(
  classifier: Classifier,
  items: readonly DatasetItem[],
  options: BuildReferenceOptions,
): Promise<Reference> {
  const info = classifier.info();
  const projection = new RandomProjection(
    options.projectionSeed,
    options.embeddingWidth,
    options.projectionDims,
  );
  const photos = await Promise.all(items.map((item) => readFile(item.path)));
  const observed = await observePhotos(classifier, photos, {
    projection,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const category = observed.map((o) => info.classes.indexOf(o.observation.category));
  const confidence = observed.map((o) => o.observation.confidence);
  const right = category.filter((c, i) => c === items[i]!.label).length;
  return {
    model: info.model,
    version: info.version,
    created: (options.now ?? new Date()).toISOString(),
    photos: options.photosDescription,
    classes: [...info.classes],
    projection: {
      seed: options.projectionSeed,
      dims: options.projectionDims,
      input_width: options.embeddingWidth,
    },
    expected_accuracy: confidence.reduce((a, b) => a + b, 0) / confidence.length,
    measured_accuracy: right / items.length,
    class_mix: info.classes.map((_, c) => category.filter((k) => k === c).length),
    rows: {
      category,
      confidence: confidence.map(round),
      projection: observed.map((o) => [...o.observation.projection!]),
      width: observed.map((o) => o.observation.image!.width),
      height: observed.map((o) => o.observation.image!.height),
      brightness: observed.map((o) => round(o.observation.image!.brightness)),
      sharpness: observed.map((o) => round(o.observation.image!.sharpness)),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}
