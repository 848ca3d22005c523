/**
 * The worker pool's bookkeeping, main thread only: the requests it holds and the workers it runs, with the
 * pure sums the pool takes over them.
 */
import type { Worker } from 'node:worker_threads';
import type { ServingConfig } from '../recipes/index.js';
import type { Prediction } from './classifier.js';
import type { ModelSource } from './model-source.js';
import type { BatchInput, WorkerConfig } from './worker-messages.js';

/** One request from its arrival to its answer: queued in the batcher, then in a worker's batch. */
export interface Pending {
  readonly input: BatchInput;
  readonly enqueuedAt: number;
  readonly deadline: number;
  /** What its photo decodes to (0 for a tensor or an unreadable header): its price and memory. */
  readonly pixels: number;
  readonly resolve: (prediction: Prediction) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  dispatchedAt?: number;
  cleanup?: () => void;
}

/** A batch handed to a worker: what it holds, and what it should cost while it runs. */
export interface SlotBatch {
  id: number;
  items: Pending[];
  startedAt: number;
  expectedMs: number;
  pixels: number;
}

/** One worker thread and the batch it is computing, if any. */
export interface Slot {
  readonly worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'releasing';
  batch: SlotBatch | undefined;
  idleSince: number;
}

/** What every worker is started with: the model and the recipe's session and decode settings. */
export function workerConfig(model: ModelSource, serving: ServingConfig): WorkerConfig {
  return {
    modelPath: model.path,
    preprocess: model.preprocess,
    intraOpThreads: serving.intra_op_threads,
    loneIntraOpThreads: serving.lone_intra_op_threads,
    graphOptimization: serving.graph_optimization,
    maxPixels: serving.max_pixels,
    shrinkOnLoad: serving.shrink_on_load,
    jpegDecoder: serving.jpeg_decoder,
    warmupBatchSizes: [...new Set([1, serving.max_batch_size])],
  };
}

/** Workers not being released, workers computing a batch, and the requests inside those batches. */
export function countSlots(slots: Iterable<Slot>): { instances: number; busy: number; inFlight: number } {
  let busy = 0;
  let inFlight = 0;
  let instances = 0;
  for (const slot of slots) {
    if (slot.state !== 'releasing') instances++;
    if (slot.batch) {
      busy++;
      inFlight += slot.batch.items.length;
    }
  }
  return { instances, busy, inFlight };
}

/** The pixels a batch decodes and the time it should take, given each request's estimated cost. */
export function batchLoad(
  items: readonly Pending[],
  estimateMs: (pixels: number) => number,
): { pixels: number; expectedMs: number } {
  let pixels = 0;
  let expectedMs = 0;
  for (const pending of items) {
    pixels += pending.pixels;
    // The photos of a batch decode at once, so the batch takes about as long as its dearest photo.
    expectedMs = Math.max(expectedMs, estimateMs(pending.pixels));
  }
  return { pixels, expectedMs };
}
