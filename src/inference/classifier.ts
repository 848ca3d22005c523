/**
 * The one interface the app, the server and the benchmarks classify through. Two implementations: an
 * in-process worker pool (decode + dynamic batching + ONNX Runtime in worker threads) and a client of any
 * Open Inference Protocol v2 server.
 */
export interface ClassScore {
  readonly category: string;
  readonly confidence: number;
}

export interface Prediction {
  readonly category: string;
  readonly confidence: number;
  /** Classes by confidence, most likely first (at least three). */
  readonly top: readonly ClassScore[];
  readonly model: string;
  readonly version: number;
  /** Every class's probability in the model's class order; absent where the engine does not return it. */
  readonly probabilities?: Float32Array;
  /** The pooled backbone feature, for drift monitoring; absent where the engine does not return it. */
  readonly embedding?: Float32Array;
  readonly timings: { readonly decode_ms: number; readonly queue_ms: number; readonly infer_ms: number };
}

export interface ClassifyOptions {
  /** Give up (and never compute) if the result cannot be had by then. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/** Body memory held for a request from its arrival, before its body is read, until its response ends. */
export interface AdmissionTicket {
  /** Gives the place back; calling it again does nothing. */
  release(): void;
}

export interface ClassifierInfo {
  readonly model: string;
  readonly version: number;
  readonly classes: readonly string[];
}

export interface Classifier {
  /** Classifies encoded image bytes (JPEG, PNG or WebP). Rejects with typed errors that carry a statusCode. */
  classify(image: Uint8Array, options?: ClassifyOptions): Promise<Prediction>;
  info(): ClassifierInfo;
  /** True once warmed up and able to take work now: false while loading, closing or saturated. */
  ready(): boolean;
  /**
   * Admits a request whose body of `bytes` is about to be read, so an overloaded classifier refuses it (429)
   * before the body costs memory. Throws an error with `statusCode` 429 or 503 when it cannot take it; the
   * caller releases the ticket when the response ends. Absent: nothing to admit.
   */
  admit?(bytes: number): AdmissionTicket;
  close(): Promise<void>;
}
