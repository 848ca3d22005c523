import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ServingConfig } from '../recipes/index.js';
import {
  decodePixels,
  ImageError,
  ImageTooLargeError,
  readImageHeader,
  type VisionErrorCode,
  visionErrorCodes,
} from '../vision/index.js';
import type {
  AdmissionTicket,
  Classifier,
  ClassifierInfo,
  ClassifyOptions,
  Prediction,
} from './classifier.js';
import { CostModel } from './cost-model.js';
import { DynamicBatcher } from './dynamic-batcher.js';
import {
  ClassifierClosedError,
  DeadlineExceededError,
  InferenceError,
  type InferenceErrorCode,
  inferenceErrorCodes,
  ModelLoadError,
  OverloadedError,
  RequestAbortedError,
  WorkerCrashedError,
} from './errors.js';
import type { ModelSource } from './model-source.js';
import { OutcomeWindow } from './outcome-window.js';
import { toPrediction } from './prediction.js';
import type {
  BatchInput,
  BatchResult,
  FromWorker,
  ToWorker,
  WireError,
  WorkerConfig,
} from './worker-messages.js';

/** What the pool reports to whoever measures it (the server's Prometheus metrics). */
export interface PoolObserver {
  batch?(size: number, inferMs: number): void;
  workerStarted?(loadMs: number): void;
  workerExited?(reason: 'released' | 'crashed'): void;
}

export interface PoolStats {
  readonly queueDepth: number;
  /** Requests inside workers right now. */
  readonly inFlight: number;
  /** Body bytes held by admitted requests (being read, queued or computed), against `body_budget_bytes`. */
  readonly bodyBytes: number;
  readonly instances: number;
  readonly busy: number;
  readonly minInstances: number;
  readonly maxInstances: number;
}

export interface PoolOptions {
  readonly observer?: PoolObserver;
}

interface Pending {
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

interface Slot {
  readonly worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'releasing';
  batch: { id: number; items: Pending[]; startedAt: number; expectedMs: number; pixels: number } | undefined;
  idleSince: number;
}

/**
 * The in-process classifier: worker threads, each with one ONNX Runtime session, fed by a Triton-style
 * dynamic batcher with a bounded queue and per-request deadlines. It grows from `min_instances` to
 * `instances` workers when requests queue while every worker is busy, and lets workers (and their session
 * memory) go after `idle_release_s` without work.
 *
 * Each request is priced by the pixels its photo decodes to ({@link CostModel}); decodes in flight share a
 * pixel budget (`decode_pixel_budget`), so 50-megapixel photos are decoded one at a time. An idle pool always
 * computes its oldest live request, so a wrong estimate is measured again rather than trusted for ever.
 * `ready()` is false while a new request could not be served in time (full queue, every worker late).
 */
export class WorkerPool implements Classifier {
  readonly model: ModelSource;
  readonly serving: ServingConfig;
  readonly #batcher: DynamicBatcher<Pending>;
  readonly #slots = new Set<Slot>();
  readonly #observer: PoolObserver;
  readonly #minInstances: number;
  readonly #idleReleaseMs: number;
  readonly #cost: CostModel;
  /** Shorter side a photo is resized to before the crop: what libjpeg may shrink towards. */
  readonly #decodeTarget: number;
  /** Decoded pixels the workers may hold at once: the memory that decodes in flight may take. */
  readonly #decodeBudget: number;
  /** Bodies admitted requests may hold at once (`body_budget_bytes`). */
  readonly #bodyBudget: number;
  #bodyBytes = 0;
  /** Recent answers against recent sheds and deadline drops: whether the replica is serving at all. */
  readonly #outcomes: OutcomeWindow;
  #nextBatchId = 1;
  #wakeTimer: NodeJS.Timeout | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #reaper: NodeJS.Timeout | undefined;
  #closing = false;
  #ready = false;
  #drained: (() => void) | undefined;

  private constructor(model: ModelSource, serving: ServingConfig, options: PoolOptions) {
    this.model = model;
    this.serving = serving;
    this.#observer = options.observer ?? {};
    this.#minInstances = Math.min(serving.min_instances ?? serving.instances, serving.instances);
    this.#idleReleaseMs = serving.idle_release_s * 1000;
    this.#batcher = new DynamicBatcher({
      maxBatchSize: serving.max_batch_size,
      maxQueueDelayMs: serving.max_queue_delay_ms,
      preferredBatchSizes: serving.preferred_batch_sizes,
      maxQueue: serving.max_queue,
    });
    this.#cost = new CostModel({ capMs: serving.timeout_ms, halfLifeMs: serving.timeout_ms });
    const { size, cropFraction } = model.preprocess;
    this.#decodeTarget = Math.max(size, Math.round(size / cropFraction));
    this.#decodeBudget = serving.decode_pixel_budget ?? serving.max_pixels;
    // Never below one largest body, or such a photo could never be admitted.
    this.#bodyBudget = Math.max(
      serving.body_budget_bytes ?? 4 * serving.max_body_bytes,
      serving.max_body_bytes,
    );
    this.#outcomes = new OutcomeWindow(Math.max(1000, serving.timeout_ms));
  }

  /** Starts `max(min_instances, 1)` workers and waits until each has loaded and warmed up its session. */
  static async start(
    model: ModelSource,
    serving: ServingConfig,
    options: PoolOptions = {},
  ): Promise<WorkerPool> {
    const pool = new WorkerPool(model, serving, options);
    const first = Array.from({ length: Math.max(1, pool.#minInstances) }, () => pool.#spawn());
    try {
      await Promise.all(first);
    } catch (error) {
      await pool.close();
      throw error;
    }
    pool.#ready = true;
    pool.#reaper = setInterval(() => pool.#releaseIdle(), Math.min(1000, pool.#idleReleaseMs / 2));
    pool.#reaper.unref();
    return pool;
  }

  info(): ClassifierInfo {
    return { model: this.model.name, version: this.model.version, classes: this.model.classes };
  }

  ready(): boolean {
    return this.#ready && !this.#closing && !this.#saturated(performance.now());
  }

  /**
   * Admits a request whose body of (at most) `bytes` is about to be read, or refuses it at once when the
   * queue is full or the bodies already admitted would pass `body_budget_bytes`. Bytes, not a
   * count of requests, so slow uploads of small photos cannot hold every place while large bodies are
   * still bounded in memory.
   */
  admit(bytes: number): AdmissionTicket {
    if (this.#closing) throw new ClassifierClosedError();
    const held = Math.max(0, Math.min(bytes, this.serving.max_body_bytes));
    if (this.#batcher.size >= this.serving.max_queue || this.#bodyBytes + held > this.#bodyBudget) {
      const now = performance.now();
      this.#outcomes.record(now, 'failed');
      throw new OverloadedError(this.#batcher.size, this.#retryAfterSeconds(now));
    }
    this.#bodyBytes += held;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#bodyBytes -= held;
      },
    };
  }

  stats(): PoolStats {
    let busy = 0;
    let inFlight = 0;
    let instances = 0;
    for (const slot of this.#slots) {
      if (slot.state !== 'releasing') instances++;
      if (slot.batch) {
        busy++;
        inFlight += slot.batch.items.length;
      }
    }
    const { instances: maxInstances } = this.serving;
    return {
      queueDepth: this.#batcher.size,
      inFlight,
      bodyBytes: this.#bodyBytes,
      instances,
      busy,
      minInstances: this.#minInstances,
      maxInstances,
    };
  }

  classify(image: Uint8Array, options?: ClassifyOptions): Promise<Prediction> {
    return this.#submit({ kind: 'image', bytes: image }, options);
  }

  /** Classifies a ready float32 CHW tensor of [3, size, size] (the OIP FP32 input). */
  classifyTensor(tensor: Float32Array, options?: ClassifyOptions): Promise<Prediction> {
    return this.#submit({ kind: 'tensor', data: tensor }, options);
  }

  /** Ends one worker thread abruptly, as an out-of-memory kill would; for crash-recovery tests and drills. */
  async killWorker(): Promise<boolean> {
    const slot =
      [...this.#slots].find((s) => s.state === 'busy') ?? [...this.#slots].find((s) => s.state === 'idle');
    if (!slot) return false;
    await slot.worker.terminate();
    return true;
  }

  /** Stops taking work, finishes what is queued and in flight, then ends every worker. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#reaper) clearInterval(this.#reaper);
    if (this.#batcher.size > 0 || [...this.#slots].some((s) => s.batch)) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        this.#pump();
      });
    }
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    await Promise.all([...this.#slots].map((slot) => slot.worker.terminate()));
    this.#slots.clear();
  }

  #submit(input: BatchInput, options: ClassifyOptions = {}): Promise<Prediction> {
    if (this.#closing) return Promise.reject(new ClassifierClosedError());
    if (options.signal?.aborted) return Promise.reject(new RequestAbortedError());
    let pixels = 0;
    if (input.kind === 'image') {
      const header = readImageHeader(input.bytes);
      const { max_pixels: maxPixels, shrink_on_load: shrinkOnLoad } = this.serving;
      // Refused here, a decompression bomb costs no worker and no place in a batch.
      if (header && header.width * header.height > maxPixels)
        return Promise.reject(new ImageTooLargeError(header.width, header.height, maxPixels));
      if (header) pixels = decodePixels(header, this.#decodeTarget, shrinkOnLoad);
    }
    const now = performance.now();
    const deadline = Math.min(now + this.serving.timeout_ms, options.deadline ?? Number.POSITIVE_INFINITY);
    return new Promise<Prediction>((resolve, reject) => {
      const pending: Pending = { input, enqueuedAt: now, deadline, pixels, resolve, reject };
      if (!this.#batcher.offer(pending)) {
        this.#outcomes.record(now, 'failed');
        reject(new OverloadedError(this.#batcher.size, this.#retryAfterSeconds(now)));
        return;
      }
      pending.timer = setTimeout(() => this.#expire(pending), Math.max(0, deadline - now));
      if (options.signal) {
        const onAbort = () => {
          if (this.#batcher.remove(pending)) this.#settle(pending, new RequestAbortedError());
        };
        options.signal.addEventListener('abort', onAbort, { once: true });
        pending.cleanup = () => options.signal!.removeEventListener('abort', onAbort);
      }
      this.#pump();
    });
  }

  /** Seconds until the queue ahead should have cleared, for Retry-After. */
  #retryAfterSeconds(now: number): number {
    let queuedMs = 0;
    for (const pending of this.#batcher.queued) queuedMs += this.#cost.estimate(now, pending.pixels);
    return Math.max(1, Math.ceil(queuedMs / Math.max(1, this.serving.instances) / 1000));
  }

  /**
   * Whether the replica cannot serve now: the queue (or admission) is full; more requests were shed or
   * dropped than answered in the last second; or every worker is computing and the first to free up plus
   * the queue ahead exceeds the request timeout.
   */
  #saturated(now: number): boolean {
    const { max_queue: maxQueue, instances: maxInstances, timeout_ms: timeoutMs } = this.serving;
    if (this.#batcher.size >= maxQueue || this.#bodyBytes >= this.#bodyBudget) return true;
    if (this.#outcomes.failing(now)) return true;
    const running = [...this.#slots].filter((slot) => slot.state !== 'releasing');
    const busy = running.flatMap((slot) => (slot.batch ? [slot.batch] : []));
    if (busy.length < running.length || running.length < maxInstances) return false;
    if (busy.every((batch) => now - batch.startedAt > timeoutMs)) return true;
    const freeIn = Math.min(...busy.map((batch) => Math.max(0, batch.startedAt + batch.expectedMs - now)));
    let queuedMs = 0;
    for (const pending of this.#batcher.queued) queuedMs += this.#cost.estimate(now, pending.pixels);
    return freeIn + queuedMs / running.length > timeoutMs;
  }

  #expire(pending: Pending): void {
    if (this.#batcher.remove(pending))
      this.#settle(pending, new DeadlineExceededError(performance.now() - pending.enqueuedAt));
  }

  #settle(pending: Pending, result: Prediction | Error): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.cleanup?.();
    if (!(result instanceof Error)) this.#outcomes.record(performance.now(), 'served');
    else if (result instanceof DeadlineExceededError) this.#outcomes.record(performance.now(), 'failed');
    if (result instanceof Error) pending.reject(result);
    else pending.resolve(result);
  }

  /** Hands batches to idle workers; grows the pool when requests wait and every worker is busy. */
  #pump(): void {
    for (;;) {
      const idle = [...this.#slots].find((slot) => slot.state === 'idle');
      if (!idle) break;
      const now = performance.now();
      let computing = false;
      let decoding = 0;
      for (const slot of this.#slots) {
        if (!slot.batch) continue;
        computing = true;
        decoding += slot.batch.pixels;
      }
      const decision = this.#batcher.next(now, {
        costMs: (pending) => this.#cost.estimate(now, pending.pixels),
        probe: !computing,
        pixelBudget: this.#decodeBudget - decoding,
      });
      for (const pending of decision.expired)
        this.#settle(pending, new DeadlineExceededError(now - pending.enqueuedAt));
      if (decision.batch.length === 0) {
        if (decision.waitMs !== undefined) this.#wakeIn(decision.waitMs);
        break;
      }
      this.#dispatch(idle, decision.batch, now);
    }
    const starting = [...this.#slots].some((slot) => slot.state === 'starting');
    const { instances } = this.stats();
    if (this.#batcher.size > 0 && !starting && instances < this.serving.instances && !this.#closing)
      this.#spawn().catch((error: unknown) => this.#failQueued(error));
    if (this.#drained && this.#batcher.size === 0 && ![...this.#slots].some((slot) => slot.batch)) {
      this.#drained();
      this.#drained = undefined;
    }
  }

  #wakeIn(ms: number): void {
    const at = performance.now() + ms;
    if (this.#wakeTimer && at >= this.#wakeAt) return;
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = setTimeout(
      () => {
        this.#wakeTimer = undefined;
        this.#wakeAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, ms),
    );
  }

  #dispatch(slot: Slot, items: Pending[], now: number): void {
    const id = this.#nextBatchId++;
    for (const pending of items) {
      pending.dispatchedAt = now;
      if (pending.timer) clearTimeout(pending.timer);
    }
    let pixels = 0;
    let expectedMs = 0;
    for (const pending of items) {
      pixels += pending.pixels;
      // The photos of a batch decode at once, so the batch takes about as long as its dearest photo.
      expectedMs = Math.max(expectedMs, this.#cost.estimate(now, pending.pixels));
    }
    slot.state = 'busy';
    slot.batch = { id, items, startedAt: now, expectedMs, pixels };
    const message: ToWorker = { type: 'batch', id, inputs: items.map((pending) => pending.input) };
    slot.worker.postMessage(message);
  }

  #spawn(): Promise<void> {
    const config: WorkerConfig = {
      modelPath: this.model.path,
      preprocess: this.model.preprocess,
      intraOpThreads: this.serving.intra_op_threads,
      graphOptimization: this.serving.graph_optimization,
      maxPixels: this.serving.max_pixels,
      shrinkOnLoad: this.serving.shrink_on_load,
      warmupBatchSizes: [...new Set([1, this.serving.max_batch_size])],
    };
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { workerData: config });
    const slot: Slot = { worker, state: 'starting', batch: undefined, idleSince: performance.now() };
    this.#slots.add(slot);
    return new Promise<void>((resolve, reject) => {
      let loaded = false;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          loaded = true;
          slot.state = 'idle';
          slot.idleSince = performance.now();
          this.#observer.workerStarted?.(message.loadMs);
          resolve();
          this.#pump();
        } else if (message.type === 'load-failed') {
          reject(new ModelLoadError(this.model.path, message.error.message));
          void worker.terminate();
        } else if (message.type === 'batch-done') this.#finish(slot, message);
      });
      worker.on('error', (error) => {
        if (!loaded) reject(new ModelLoadError(this.model.path, error.message, error));
      });
      worker.on('exit', (code) => {
        if (!loaded)
          reject(new ModelLoadError(this.model.path, `worker exited with code ${code} while loading`));
        this.#onExit(slot, code);
      });
    });
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    const crashed = slot.state !== 'releasing' && !this.#closing;
    this.#observer.workerExited?.(crashed ? 'crashed' : 'released');
    if (slot.batch) {
      const error = new WorkerCrashedError(`exit code ${code}`);
      for (const pending of slot.batch.items) this.#settle(pending, error);
      slot.batch = undefined;
    }
    if (this.#closing) {
      this.#pump();
      return;
    }
    const { instances } = this.stats();
    if (crashed && instances < Math.max(1, this.#minInstances))
      this.#spawn().catch((error: unknown) => this.#failQueued(error));
    this.#pump();
  }

  /** No worker can load the model any more: queued requests get the load error instead of a timeout. */
  #failQueued(error: unknown): void {
    if (this.stats().instances > 0) return;
    const failure = error instanceof Error ? error : new ModelLoadError(this.model.path, String(error));
    for (const pending of this.#batcher.drain()) this.#settle(pending, failure);
  }

  #finish(slot: Slot, result: BatchResult): void {
    const batch = slot.batch;
    if (!batch || batch.id !== result.id)
      throw new Error(`bug: worker answered batch ${result.id} it was not given`);
    slot.batch = undefined;
    slot.state = 'idle';
    const now = performance.now();
    slot.idleSince = now;
    this.#cost.observe(
      now,
      batch.items.flatMap((pending, index) =>
        pending.pixels > 0 && !result.errors[index]
          ? [{ pixels: pending.pixels, decodeMs: result.decodeMs[index] ?? 0 }]
          : [],
      ),
      result.inferMs,
    );
    this.#observer.batch?.(batch.items.length, result.inferMs);
    batch.items.forEach((pending, slotIndex) => {
      const error = result.errors[slotIndex];
      const row = result.rows[slotIndex] ?? -1;
      if (error || row < 0) {
        this.#settle(pending, fromWire(error ?? null));
        return;
      }
      const { classes, embeddingWidth: width } = result;
      const timings = {
        decode_ms: result.decodeMs[slotIndex] ?? 0,
        queue_ms: (pending.dispatchedAt ?? now) - pending.enqueuedAt,
        infer_ms: result.inferMs,
      };
      try {
        const probabilities = result.probabilities.subarray(row * classes, (row + 1) * classes);
        const embedding = result.embedding?.subarray(row * width, (row + 1) * width);
        this.#settle(pending, toPrediction(probabilities, this.model, timings, embedding));
      } catch (error) {
        this.#settle(pending, error instanceof Error ? error : new Error(String(error)));
      }
    });
    this.#pump();
  }

  #releaseIdle(): void {
    const now = performance.now();
    let instances = this.stats().instances;
    for (const slot of this.#slots) {
      if (instances <= this.#minInstances) break;
      if (slot.state !== 'idle' || now - slot.idleSince < this.#idleReleaseMs) continue;
      slot.state = 'releasing';
      instances--;
      slot.worker.postMessage({ type: 'release' } satisfies ToWorker);
    }
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
