import { join } from 'node:path';
import type { DatasetItem } from '../data/index.js';
import { classificationReport, wilsonInterval } from '../evaluation/index.js';
import {
  EmbeddingCache,
  encodeModel,
  extractWithModel,
  loadBackboneSpec,
  ModelConfigError,
  type ModelStoreOptions,
  preprocessFor,
  resolveClassifierModel,
  tensorNames,
} from '../models/index.js';

/** Accuracy figures of one model on one set of photos, with a 95 % Wilson interval on top-1. */
export interface Figures {
  readonly n: number;
  readonly top1: number;
  readonly interval: readonly [number, number];
  readonly macro_f1: number;
}

export function figuresOf(
  probabilities: Float32Array,
  labels: readonly number[],
  classes: readonly string[],
): Figures {
  const report = classificationReport(probabilities, labels, classes);
  return {
    n: report.n,
    top1: report.top1,
    interval: wilsonInterval(Math.round(report.top1 * report.n), report.n),
    macro_f1: report.macro_f1,
  };
}

/**
 * A peer's class probabilities for each photo: another team's whole model with its own head, fed as its
 * authors feed it (its JSON's crop, size and normalisation), softmax over its logits. Undefined where the
 * photo cannot be read. Logits are cached like embeddings.
 */
export async function peerProbabilities(
  name: string,
  items: readonly DatasetItem[],
  store: ModelStoreOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<(Float32Array | undefined)[]> {
  const spec = await loadBackboneSpec(name);
  if (spec.classifier?.classes !== 'food-11')
    throw new ModelConfigError(
      `models/backbones/${name}.json`,
      'no Food-11 `classifier`: it cannot be scored as a peer',
    );
  const graph = await resolveClassifierModel(spec, {
    mirrorDir: store.mirrorDir,
    cacheDir: join(store.cacheDir, 'backbones'),
  });
  const result = await extractWithModel(
    encodeModel(graph),
    items.map((i) => i.path),
    {
      modelKey: `${spec.sha256}:peer`,
      width: spec.classifier.width,
      output: tensorNames.logits,
      preprocess: preprocessFor(spec),
      cache: new EmbeddingCache(join(store.cacheDir, 'embeddings')),
      onProgress,
    },
  );
  return result.embeddings.map((views) => (views[0] ? softmax(views[0]) : undefined));
}

function softmax(logits: Float32Array): Float32Array {
  const max = Math.max(...logits);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}
