import { performance } from 'node:perf_hooks';
import {
  createOnnxSession,
  type ModelStoreOptions,
  type OnnxSession,
  preparePackagedModel,
} from '../models/index.js';
import { evaluateRecipe } from '../pipeline/index.js';
import type { Recipe } from '../recipes/index.js';
import { imageToTensor, tensorLength } from '../vision/index.js';
import type { OfflineFigures } from './bench-result.js';
import { summarise } from './load-generator.js';

export interface OfflineOptions {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  readonly photos: readonly Uint8Array[];
  /** Single-image runs for the batch-1 percentiles. */
  readonly iterations: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The packaged model alone: accuracy on the test split (as `gourmetgram eval`), size, session load time, and
 * inference-only latency and throughput with the recipe's thread and graph settings (preprocessing excluded).
 */
export async function measureOffline(options: OfflineOptions): Promise<OfflineFigures> {
  const { recipe } = options;
  const evaluation = await evaluateRecipe({
    recipe,
    dataDir: options.dataDir,
    split: 'test',
    store: options.store,
    onProgress: options.onProgress,
  });
  const packaged = await preparePackagedModel(recipe.model, options.store);
  const sessionOptions = {
    intraOpThreads: recipe.serving.intra_op_threads,
    graphOptimizationLevel: recipe.serving.graph_optimization,
  };
  const loads: number[] = [];
  let session: OnnxSession | undefined;
  for (let i = 0; i < 3; i++) {
    await session?.release();
    const t0 = performance.now();
    session = await createOnnxSession(packaged.path, sessionOptions);
    loads.push(performance.now() - t0);
  }
  const live = session!;
  try {
    const size = packaged.preprocess.size;
    const length = tensorLength(packaged.preprocess);
    const tensors = await Promise.all(
      options.photos
        .slice(0, 32)
        .map(async (bytes) => (await imageToTensor(bytes, packaged.preprocess)).tensor),
    );
    const batchOf = (n: number, start: number) => {
      const input = new Float32Array(n * length);
      for (let i = 0; i < n; i++) input.set(tensors[(start + i) % tensors.length]!, i * length);
      return input;
    };
    for (let i = 0; i < 5; i++) await live.run(tensors[i % tensors.length]!, [1, 3, size, size]);
    const single: number[] = [];
    for (let i = 0; i < options.iterations; i++) {
      const t0 = performance.now();
      await live.run(tensors[i % tensors.length]!, [1, 3, size, size]);
      single.push(performance.now() - t0);
    }
    const throughput = async (n: number) => {
      const input = batchOf(n, 0);
      await live.run(input, [n, 3, size, size]);
      const rounds = Math.max(2, Math.ceil(options.iterations / n / 2));
      const t0 = performance.now();
      for (let i = 0; i < rounds; i++) await live.run(input, [n, 3, size, size]);
      return (rounds * n) / ((performance.now() - t0) / 1000);
    };
    return {
      split: 'test',
      n: evaluation.n,
      top1: evaluation.top1,
      macro_f1: evaluation.macro_f1,
      top2: evaluation.top2,
      ece: evaluation.ece,
      model_bytes: packaged.bytes,
      load_ms: [...loads].sort((a, b) => a - b)[1]!,
      batch1: summarise(single),
      throughput_batch8: await throughput(8),
      throughput_batch32: await throughput(32),
    };
  } finally {
    await live.release();
  }
}
