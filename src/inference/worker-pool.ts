import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ServingConfig } from '../recipes/index.js';
import { decodePixels, ImageTooLargeError, readImageHeader } from '../vision/index.js';
import { batchOutcome, decodeSamples } from './batch-outcome.js';
import { BodyBudget } from './body-budget.js';
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
  ModelLoadError,
  OverloadedError,
  RequestAbortedError,
  WorkerCrashedError,
} from './errors.js';
import type { ModelSource } from './model-source.js';
import { OutcomeWindow } from './outcome-window.js';
import type { PoolObserver, PoolOptions, PoolStats } from './pool-observer.js';
import { batchLoad, countSlots, type Pending, type Slot, workerConfig } from './pool-state.js';
import { WakeTimer } from './wake-timer.js';
import type { BatchInput, BatchResult, FromWorker, ToWorker } from './worker-messages.js';

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
  readonly #bodies: BodyBudget;
  /** Recent answers against recent sheds and deadline drops: whether the replica is serving at all. */
  readonly #outcomes: OutcomeWindow;
  #nextBatchId = 1;
  /** Runs the pump again once the batcher has waited `max_queue_delay_ms` for a fuller batch. */
  readonly #wake = new WakeTimer(() => this.#pump());
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
    this.#bodies = new BodyBudget(serving);
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
   * queue is full or the bodies already admitted would pass `body_budget_bytes` ({@link BodyBudget}).
   */
  admit(bytes: number): AdmissionTicket {
    if (this.#closing) throw new ClassifierClosedError();
    const ticket = this.#batcher.size < this.serving.max_queue ? this.#bodies.tryHold(bytes) : undefined;
    if (ticket) return ticket;
    const now = performance.now();
    this.#outcomes.record(now, 'failed');
    throw new OverloadedError(this.#batcher.size, this.#retryAfterSeconds(now));
  }

  stats(): PoolStats {
    const { instances, busy, inFlight } = countSlots(this.#slots);
    return {
      queueDepth: this.#batcher.size,
      inFlight,
      bodyBytes: this.#bodies.held,
      instances,
      busy,
      minInstances: this.#minInstances,
      maxInstances: this.serving.instances,
    };
  }

  classify(image: Uint8Array, options?: ClassifyOptions): Promise<Prediction> {
    return this.#submit({ kind: 'image', bytes: image }, options);
  }

  /** Classifies a ready float32 CHW tensor of [3, size, size] (the OIP FP32 input). */
  classifyTensor(tensor: Float32Array, options?: ClassifyOptions): Promise<Prediction> {
    return this.#submit({ kind: 'tensor', data: tensor }, options);
  }

  /**
   * Ends one worker thread abruptly, its batch unanswered, as a crash would; for crash-recovery tests and drills.
   * The worker dies of an uncaught error once its native call returns (see the `crash` message).
   */
  async killWorker(): Promise<boolean> {
    const slot =
      [...this.#slots].find((s) => s.state === 'busy') ?? [...this.#slots].find((s) => s.state === 'idle');
    if (!slot) return false;
    const exited = new Promise((resolve) => slot.worker.once('exit', resolve));
    slot.worker.postMessage({ type: 'crash' } satisfies ToWorker);
    await exited;
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
    this.#wake.cancel();
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
    return Math.max(1, Math.ceil(this.#queuedMs(now) / Math.max(1, this.serving.instances) / 1000));
  }

  /** Expected compute time of everything queued. */
  #queuedMs(now: number): number {
    let queuedMs = 0;
    for (const pending of this.#batcher.queued) queuedMs += this.#cost.estimate(now, pending.pixels);
    return queuedMs;
  }

  /**
   * Whether the replica cannot serve now: the queue (or admission) is full; more requests were shed or
   * dropped than answered in the last second; or every worker is computing and the first to free up plus
   * the queue ahead exceeds the request timeout.
   */
  #saturated(now: number): boolean {
    const { max_queue: maxQueue, instances: maxInstances, timeout_ms: timeoutMs } = this.serving;
    if (this.#batcher.size >= maxQueue || this.#bodies.full) return true;
    if (this.#outcomes.failing(now)) return true;
    const running = [...this.#slots].filter((slot) => slot.state !== 'releasing');
    const busy = running.flatMap((slot) => (slot.batch ? [slot.batch] : []));
    if (busy.length < running.length || running.length < maxInstances) return false;
    if (busy.every((batch) => now - batch.startedAt > timeoutMs)) return true;
    const freeIn = Math.min(...busy.map((batch) => Math.max(0, batch.startedAt + batch.expectedMs - now)));
    return freeIn + this.#queuedMs(now) / running.length > timeoutMs;
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
        if (decision.waitMs !== undefined) this.#wake.wakeIn(decision.waitMs);
        break;
      }
      this.#dispatch(idle, decision.batch, now, !computing);
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

  /** `noneComputing`: no worker had a batch when this one was taken (read by #pump already). */
  #dispatch(slot: Slot, items: Pending[], now: number, noneComputing: boolean): void {
    const id = this.#nextBatchId++;
    for (const pending of items) {
      pending.dispatchedAt = now;
      if (pending.timer) clearTimeout(pending.timer);
    }
    const { pixels, expectedMs } = batchLoad(items, (photoPixels) => this.#cost.estimate(now, photoPixels));
    // Alone: no other worker computes and nothing is left queued.
    const lone = items.length === 1 && this.#batcher.size === 0 && noneComputing;
    slot.state = 'busy';
    slot.batch = { id, items, startedAt: now, expectedMs, pixels };
    const message: ToWorker = { type: 'batch', id, inputs: items.map((pending) => pending.input), lone };
    slot.worker.postMessage(message);
  }

  #spawn(): Promise<void> {
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url), {
      workerData: workerConfig(this.model, this.serving),
    });
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
    this.#cost.observe(now, decodeSamples(batch.items, result), result.inferMs);
    this.#observer.batch?.(batch.items.length, result.inferMs, result.session);
    batch.items.forEach((pending, index) => {
      this.#settle(pending, batchOutcome(pending, index, result, this.model, now));
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
