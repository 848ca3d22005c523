import { performance } from 'node:perf_hooks';
import type { DatasetItem } from '../data/index.js';
import { classificationReport } from '../evaluation/index.js';
import {
  type BackboneSpec,
  blend,
  buildEmbeddingModel,
  cosineSimilarities,
  createOnnxSession,
  decodeModel,
  defaultHyperParameters,
  dequantizeModel,
  type EmbeddingCache,
  encodeModel,
  extractWithModel,
  type GraphOptimizationLevel,
  headLearningRate,
  memoryBankUnit,
  memoryProbabilities,
  predictHead,
  preprocessFor,
  quantiseBank,
  type TrainingSet,
  trainHead,
  unitRows,
} from '../models/index.js';
import { imageToTensor, type PreprocessSpec, tensorLength } from '../vision/index.js';

/** A backbone configuration: what changes the embeddings. */
export interface ModelVariant {
  readonly precision: 'int8' | 'fp32';
  readonly size: number;
  readonly flip: boolean;
}

export const variantLabel = (v: ModelVariant) => `${v.precision} ${v.size}px${v.flip ? ' flip' : ''}`;

export interface ModelContext {
  readonly spec: BackboneSpec;
  /** The zoo backbone's bytes (int8). */
  readonly backbone: Uint8Array;
  readonly cache: EmbeddingCache;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/** The embedding graph of a variant, as bytes a session loads. */
export function variantGraph(v: ModelVariant, ctx: ModelContext): Uint8Array {
  const bytes =
    v.precision === 'fp32' ? encodeModel(dequantizeModel(decodeModel(ctx.backbone))) : ctx.backbone;
  return encodeModel(buildEmbeddingModel(bytes, ctx.spec, { flipTta: v.flip }));
}

/** Centre-crop embeddings of items (cached under the same keys as `gourmetgram train`, so they are shared). */
export async function embedItems(
  v: ModelVariant,
  graph: Uint8Array,
  items: readonly DatasetItem[],
  ctx: ModelContext,
  stage: string,
): Promise<{ rows: Float32Array[]; kept: DatasetItem[] }> {
  const result = await extractWithModel(
    graph,
    items.map((i) => i.path),
    {
      modelKey: `${ctx.spec.sha256}:${v.precision}:flip=${v.flip}`,
      width: ctx.spec.embedding.width,
      preprocess: preprocessFor(ctx.spec, v.size),
      cache: ctx.cache,
      onProgress: (done, total) => ctx.onProgress?.(stage, done, total),
    },
  );
  const rows: Float32Array[] = [];
  const kept: DatasetItem[] = [];
  result.embeddings.forEach((views, i) => {
    if (views[0]) {
      rows.push(views[0]);
      kept.push(items[i]!);
    }
  });
  return { rows, kept };
}

export function trainingSet(
  rows: readonly Float32Array[],
  items: readonly DatasetItem[],
  width: number,
  classes: number,
): TrainingSet {
  const features = new Float32Array(rows.length * width);
  for (const [i, r] of rows.entries()) features.set(r, i * width);
  return { features, labels: Int32Array.from(items.map((i) => i.label)), width, classes };
}

export type HeadKind = 'softmax' | 'mlp' | 'softmax+memory';

/**
 * Trains a head of the given kind on `train` and returns class probabilities for each `eval` set. The memory
 * is a soft k-NN over the train embeddings (the lead's neighbour memory), blended half and half at a
 * temperature of 0.05: fixed here so that validation picks nothing inside this row.
 */
export function headProbabilities(
  kind: HeadKind,
  train: TrainingSet,
  evals: readonly TrainingSet[],
): Float32Array[] {
  const hidden = kind === 'mlp' ? 256 : 0;
  const head = trainHead(train, {
    ...defaultHyperParameters,
    hidden,
    l2: 0.01,
    learningRate: headLearningRate(hidden),
    balanceClasses: true,
    seed: 11,
  });
  return evals.map((set) => {
    const probabilities = predictHead(head, set.features, set.width);
    if (kind !== 'softmax+memory') return probabilities;
    const bank = memoryBankUnit({ ...quantiseBank(train.features), width: train.width });
    const similarities = cosineSimilarities(unitRows(set.features, set.width), bank, set.width);
    return blend(probabilities, memoryProbabilities(similarities, train.labels, train.classes, 0.05), 0.5);
  });
}

export function scores(probabilities: Float32Array, set: TrainingSet, classes: readonly string[]) {
  const report = classificationReport(probabilities, Array.from(set.labels), classes);
  return { top1: report.top1, macro_f1: report.macro_f1 };
}

/** Backbone-only latency at batch 1 (p50/p99) and images per second at batch 8, on real photos' tensors. */
export async function timeGraph(
  graph: Uint8Array,
  v: ModelVariant,
  ctx: ModelContext,
  photos: readonly Uint8Array[],
  options: TimingOptions,
): Promise<Timing> {
  return timeOnPhotos(graph, preprocessFor(ctx.spec, v.size), photos, options);
}

export interface TimingOptions {
  readonly threads: number;
  readonly level: GraphOptimizationLevel;
  readonly iterations: number;
}

export interface Timing {
  readonly p50: number;
  readonly p99: number;
  readonly throughput: number;
}

/** Any graph with one NCHW image input: batch-1 p50/p99 and batch-8 images per second on real photos. */
export async function timeOnPhotos(
  graph: Uint8Array,
  preprocess: PreprocessSpec,
  photos: readonly Uint8Array[],
  options: TimingOptions,
): Promise<Timing> {
  const size = preprocess.size;
  const session = await createOnnxSession(graph, {
    intraOpThreads: options.threads,
    graphOptimizationLevel: options.level,
  });
  try {
    const tensors = await Promise.all(
      photos.slice(0, 16).map(async (b) => (await imageToTensor(b, preprocess)).tensor),
    );
    const dims = [1, 3, size, size];
    for (let i = 0; i < 3; i++) await session.run(tensors[i % tensors.length]!, dims);
    const times: number[] = [];
    for (let i = 0; i < options.iterations; i++) {
      const t0 = performance.now();
      await session.run(tensors[i % tensors.length]!, dims);
      times.push(performance.now() - t0);
    }
    const length = tensorLength(preprocess);
    const batch = new Float32Array(8 * length);
    for (let i = 0; i < 8; i++) batch.set(tensors[i % tensors.length]!, i * length);
    const rounds = Math.max(2, Math.round(options.iterations / 8));
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) await session.run(batch, [8, 3, size, size]);
    const throughput = (rounds * 8) / ((performance.now() - t0) / 1000);
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
    return { p50: at(0.5), p99: at(0.99), throughput };
  } finally {
    await session.release();
  }
}
