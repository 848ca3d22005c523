/**
 * Counts served and failed requests over a sliding window of `windowMs`, with two buckets (the previous
 * bucket weighted by how much of it still overlaps the window): constant memory at any request rate.
 *
 * @example
 * const window = new OutcomeWindow(1000);
 * window.record(0, 'failed');
 * window.failing(500); // true: more failed than served in the last second
 * window.failing(2100); // false: forgotten
 */
export class OutcomeWindow {
  readonly windowMs: number;
  #start = 0;
  #current = { served: 0, failed: 0 };
  #previous = { served: 0, failed: 0 };

  constructor(windowMs: number) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    this.windowMs = windowMs;
  }

  record(now: number, outcome: 'served' | 'failed'): void {
    this.#roll(now);
    this.#current[outcome]++;
  }

  /** More requests failed (shed, or dropped at their deadline) than were served within the window. */
  failing(now: number): boolean {
    this.#roll(now);
    const weight = Math.max(0, 1 - (now - this.#start) / this.windowMs);
    const failed = this.#current.failed + this.#previous.failed * weight;
    const served = this.#current.served + this.#previous.served * weight;
    return failed >= 1 && failed > served;
  }

  #roll(now: number): void {
    if (now - this.#start < this.windowMs) return;
    const skipped = now - this.#start >= 2 * this.windowMs;
    this.#previous = skipped ? { served: 0, failed: 0 } : this.#current;
    this.#current = { served: 0, failed: 0 };
    this.#start = skipped ? now : this.#start + this.windowMs;
  }
}
