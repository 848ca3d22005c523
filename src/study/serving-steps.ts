import { performance } from 'node:perf_hooks';
import { summarise } from '../bench/index.js';
import { createClassifier, type ModelSource } from '../inference/index.js';
import type { Recipe, ServingConfig } from '../recipes/index.js';

/** A serving configuration to try, as changes to the base recipe's serving section. */
export interface ServingVariant {
  readonly group: string;
  readonly step: string;
  readonly serving: Partial<ServingConfig>;
}

/**
 * The serving rows: the predecessor's inline path against worker threads, shrink-on-load, batching delay and
 * size, instances and threads. Each changes one thing from a stated starting point.
 */
export const servingVariants: readonly ServingVariant[] = [
  {
    group: 'workers',
    step: 'inline (predecessor path)',
    serving: { mode: 'inline', shrink_on_load: false, intra_op_threads: 1 },
  },
  {
    group: 'workers',
    step: 'pool, 1 worker, no batching',
    serving: { mode: 'pool', instances: 1, min_instances: 1, max_batch_size: 1, shrink_on_load: false },
  },
  {
    group: 'decode',
    step: 'full-size decode',
    serving: { mode: 'pool', instances: 2, min_instances: 2, max_batch_size: 1, shrink_on_load: false },
  },
  {
    group: 'decode',
    step: 'shrink-on-load decode',
    serving: { mode: 'pool', instances: 2, min_instances: 2, max_batch_size: 1, shrink_on_load: true },
  },
  {
    group: 'instances',
    step: '1 instance x 2 threads',
    serving: {
      mode: 'pool',
      instances: 1,
      min_instances: 1,
      intra_op_threads: 2,
      max_batch_size: 8,
      max_queue_delay_ms: 0,
    },
  },
  {
    group: 'instances',
    step: '2 instances x 1 thread',
    serving: {
      mode: 'pool',
      instances: 2,
      min_instances: 2,
      intra_op_threads: 1,
      max_batch_size: 8,
      max_queue_delay_ms: 0,
    },
  },
  {
    group: 'batching',
    step: 'batch <= 8, delay 2 ms',
    serving: { mode: 'pool', instances: 2, min_instances: 2, max_batch_size: 8, max_queue_delay_ms: 2 },
  },
  {
    group: 'batching',
    step: 'batch <= 8, delay 5 ms',
    serving: { mode: 'pool', instances: 2, min_instances: 2, max_batch_size: 8, max_queue_delay_ms: 5 },
  },
  {
    group: 'batching',
    step: 'batch <= 32, delay 0 ms',
    serving: { mode: 'pool', instances: 2, min_instances: 2, max_batch_size: 32, max_queue_delay_ms: 0 },
  },
];

/**
 * Drives an in-process classifier built from the recipe with the variant's serving section: `callers`
 * concurrent callers, each classifying the next photo's bytes once the last is answered, for `seconds`.
 */
export async function timeServing(
  recipe: Recipe,
  model: ModelSource,
  variant: ServingVariant,
  photos: readonly Uint8Array[],
  options: { callers: number; seconds: number },
): Promise<{ p50: number; p99: number; throughput: number }> {
  const serving = { ...recipe.serving, max_queue: 1024, timeout_ms: 30_000, ...variant.serving };
  const classifier = await createClassifier({ ...recipe, serving }, { model });
  try {
    let next = 0;
    const warm = Array.from({ length: options.callers }, () =>
      classifier.classify(photos[next++ % photos.length]!),
    );
    await Promise.all(warm);
    const latencies: number[] = [];
    const started = performance.now();
    const end = started + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.callers }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          await classifier.classify(photos[next++ % photos.length]!);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const summary = summarise(latencies);
    return {
      p50: summary.p50,
      p99: summary.p99,
      throughput: latencies.length / ((performance.now() - started) / 1000),
    };
  } finally {
    await classifier.close();
  }
}
