/**
 * The messages between the pool (main thread) and its inference workers: discriminated unions on `type`,
 * plain data and transferable buffers only, shared by both sides so neither can drift.
 */
import type { PreprocessSpec } from '../vision/index.js';

/** What a worker needs to build its session; passed as workerData. */
export interface WorkerConfig {
  readonly modelPath: string;
  readonly preprocess: PreprocessSpec;
  readonly intraOpThreads: number;
  /** A second session's threads for lone photos (`serving.lone_intra_op_threads`); absent: none. */
  readonly loneIntraOpThreads: number | undefined;
  readonly graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
  readonly maxPixels: number;
  readonly shrinkOnLoad: boolean;
  readonly jpegDecoder: 'libjpeg' | 'libvips';
  /** Batch sizes to run once before reporting ready, so the first real request pays no allocation. */
  readonly warmupBatchSizes: readonly number[];
}

/** One request inside a batch: encoded photo bytes, or a ready float32 CHW tensor. */
export type BatchInput =
  | { readonly kind: 'image'; readonly bytes: Uint8Array }
  | { readonly kind: 'tensor'; readonly data: Float32Array };

export type ToWorker =
  | {
      readonly type: 'batch';
      readonly id: number;
      readonly inputs: readonly BatchInput[];
      /** Every other worker is idle and nothing waits: the batch may use the lone session's threads. */
      readonly lone: boolean;
    }
  /** Free the session's memory; the worker answers `released` and then exits. */
  | { readonly type: 'release' }
  /**
   * A crash drill: the worker dies of an uncaught error, with its batch (if any) unanswered, as soon as no
   * native call is running. Ending a thread from outside while ONNX Runtime or libvips works on it can abort
   * the whole process (seen once in five soak runs), which is not what the drill is about.
   */
  | { readonly type: 'crash' };

/** An error that crossed the thread boundary: enough to rebuild a typed error on the other side. */
export interface WireError {
  readonly name: string;
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

export interface BatchResult {
  readonly type: 'batch-done';
  readonly id: number;
  /** [rows, classes] row-major; row i belongs to input `rows[i]`. */
  readonly probabilities: Float32Array;
  readonly embedding: Float32Array | undefined;
  readonly classes: number;
  readonly embeddingWidth: number;
  /** For each input, its row in the outputs, or -1 when it failed (see `errors`). */
  readonly rows: readonly number[];
  readonly errors: readonly (WireError | null)[];
  readonly decodeMs: readonly number[];
  readonly inferMs: number;
  /** Which session computed it: the recipe's, or the lone photo's wider one. */
  readonly session: InferenceSessionKind;
}

export type InferenceSessionKind = 'shared' | 'lone';

export type FromWorker =
  | { readonly type: 'ready'; readonly loadMs: number }
  | { readonly type: 'load-failed'; readonly error: WireError }
  | BatchResult
  | { readonly type: 'released' };

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const coded = error as Error & { code?: unknown; statusCode?: unknown };
    return {
      name: error.name,
      code: typeof coded.code === 'string' ? coded.code : 'GG_ERR_INTERNAL',
      statusCode: typeof coded.statusCode === 'number' ? coded.statusCode : 500,
      message: error.message,
    };
  }
  return { name: 'Error', code: 'GG_ERR_INTERNAL', statusCode: 500, message: String(error) };
}
