/** Triton's dynamic batching settings, as a recipe's `serving` section names them. */
export interface BatcherOptions {
  readonly maxBatchSize: number;
  /** How long the oldest request may wait for others to join its batch. */
  readonly maxQueueDelayMs: number;
  /** Batch sizes worth sending at once without waiting (Triton's preferred_batch_size). */
  readonly preferredBatchSizes: readonly number[];
  /** Requests held at most; past it, offers are refused (admission control). */
  readonly maxQueue: number;
}

export interface Queued {
  /** When the request joined the queue (ms, same clock as `now`). */
  readonly enqueuedAt: number;
  /** When its result stops being useful (ms). */
  readonly deadline: number;
  /** The pixels its photo decodes to, counted against {@link NextOptions.pixelBudget}; 0 or absent for none. */
  readonly pixels?: number;
}

/** What the owner knows at decision time, beyond the clock. */
export interface NextOptions<T> {
  /** Expected compute time of a request (ms): one that cannot finish before its deadline is dropped. */
  readonly costMs?: (item: T) => number;
  /**
   * Nothing is computing: the oldest request still within its deadline is kept whatever its estimated cost,
   * so an estimate that has grown wrong is always measured again instead of dropping everything forever.
   */
  readonly probe?: boolean;
  /**
   * Decoded pixels the batch may hold (memory: decodes run at once). Requests that do not fit wait for the
   * next decision, and smaller ones behind them may go first; under `probe` the first request always fits.
   */
  readonly pixelBudget?: number;
}

export interface BatchDecision<T> {
  /** Requests to compute now, oldest first; empty when nothing should be sent yet. */
  readonly batch: T[];
  /** Requests that cannot finish before their deadline: they are dropped, never computed. */
  readonly expired: T[];
  /** When `batch` is empty but requests wait: ms until the next decision is due. */
  readonly waitMs: number | undefined;
}

/**
 * A pure FIFO dynamic batcher with Triton's semantics: a full batch goes at once; otherwise the largest
 * preferred size that the queue can fill goes at once; otherwise the oldest request waits at most
 * `maxQueueDelayMs` for company. It holds no timers and knows nothing of workers: the owner asks
 * {@link next} when an instance is free, a request arrives, or a promised wait is over.
 *
 * @example
 * const batcher = new DynamicBatcher({ maxBatchSize: 8, maxQueueDelayMs: 2, preferredBatchSizes: [4], maxQueue: 64 });
 * batcher.offer({ enqueuedAt: 0, deadline: 1000 });
 * batcher.next(0); // { batch: [], expired: [], waitMs: 2 }
 * batcher.next(2, { costMs: () => 5000, probe: true }); // computed anyway: nothing else measures the cost
 */
export class DynamicBatcher<T extends Queued> {
  readonly options: BatcherOptions;
  #queue: T[] = [];
  readonly #preferred: number[];

  constructor(options: BatcherOptions) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    if (!(options.maxQueueDelayMs >= 0))
      throw new RangeError(`maxQueueDelayMs must be ≥ 0, got ${options.maxQueueDelayMs}`);
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 1)
      throw new RangeError(`maxQueue must be a positive integer, got ${options.maxQueue}`);
    for (const size of options.preferredBatchSizes)
      if (!Number.isInteger(size) || size < 1 || size > options.maxBatchSize)
        throw new RangeError(`preferred batch size ${size} must be within 1..maxBatchSize`);
    this.options = Object.freeze({
      ...options,
      preferredBatchSizes: Object.freeze([...options.preferredBatchSizes]),
    });
    this.#preferred = [...new Set(options.preferredBatchSizes)].sort((a, b) => b - a);
  }

  /** Requests waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** The waiting requests, oldest first (read only: to price the queue ahead). */
  get queued(): readonly T[] {
    return this.#queue;
  }

  /** Queues a request; false when the queue is full (the caller answers 429/503 at once). */
  offer(item: T): boolean {
    if (this.#queue.length >= this.options.maxQueue) return false;
    this.#queue.push(item);
    return true;
  }

  /** Takes a request out of the queue (deadline timer, client abort); false if it already left. */
  remove(item: T): boolean {
    const index = this.#queue.indexOf(item);
    if (index < 0) return false;
    this.#queue.splice(index, 1);
    return true;
  }

  /** Takes every waiting request out (shutdown). */
  drain(): T[] {
    const all = this.#queue;
    this.#queue = [];
    return all;
  }

  /**
   * Decides what a free instance should compute at `now`: drops what cannot finish in time, then forms a
   * batch by Triton's rules within the pixel budget.
   */
  next(now: number, options: NextOptions<T> = {}): BatchDecision<T> {
    const { costMs = () => 0, probe = false, pixelBudget = Number.POSITIVE_INFINITY } = options;
    const expired: T[] = [];
    const alive: T[] = [];
    // Under a probe, the oldest request still within its deadline is kept whatever its estimate says.
    let spare = probe;
    for (const item of this.#queue) {
      const tooSlow = item.deadline < now + costMs(item);
      if (item.deadline < now || (tooSlow && !spare)) expired.push(item);
      else {
        alive.push(item);
        spare = false;
      }
    }
    this.#queue = alive;
    const waiting = alive.length;
    if (waiting === 0) return { batch: [], expired, waitMs: undefined };
    const { maxBatchSize, maxQueueDelayMs } = this.options;
    let take = 0;
    if (waiting >= maxBatchSize) take = maxBatchSize;
    else take = this.#preferred.find((size) => size <= waiting) ?? 0;
    const age = now - alive[0]!.enqueuedAt;
    if (take === 0 && age >= maxQueueDelayMs) take = waiting;
    if (take === 0) return { batch: [], expired, waitMs: maxQueueDelayMs - age };
    const batch: T[] = [];
    let pixels = 0;
    for (const item of alive) {
      if (batch.length === take) break;
      const need = item.pixels ?? 0;
      if (pixels + need > pixelBudget && !(probe && batch.length === 0)) continue;
      batch.push(item);
      pixels += need;
    }
    if (batch.length > 0) {
      const taken = new Set(batch);
      this.#queue = alive.filter((item) => !taken.has(item));
    }
    return { batch, expired, waitMs: undefined };
  }
}
