import { performance } from 'node:perf_hooks';

/**
 * One timer that calls `wake` at the earliest time asked for: the pool asks again on every pump, and a
 * later wake-up must not push back one already due sooner.
 */
export class WakeTimer {
  readonly #wake: () => void;
  #timer: NodeJS.Timeout | undefined;
  #at = Number.POSITIVE_INFINITY;

  constructor(wake: () => void) {
    this.#wake = wake;
  }

  /** Wakes in `ms`, unless a wake-up is already set sooner. */
  wakeIn(ms: number): void {
    const at = performance.now() + ms;
    if (this.#timer && at >= this.#at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#at = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#at = Number.POSITIVE_INFINITY;
        this.#wake();
      },
      Math.max(0, ms),
    );
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
