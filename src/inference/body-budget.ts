import type { ServingConfig } from '../recipes/index.js';
import type { AdmissionTicket } from './classifier.js';

/**
 * The body bytes admitted requests may hold at once (`body_budget_bytes`, by default four largest bodies).
 * Bytes, not a count of requests, so slow uploads of small photos cannot hold every place while large
 * bodies are still bounded in memory.
 */
export class BodyBudget {
  readonly limit: number;
  readonly #maxBodyBytes: number;
  #held = 0;

  constructor(serving: Pick<ServingConfig, 'body_budget_bytes' | 'max_body_bytes'>) {
    this.#maxBodyBytes = serving.max_body_bytes;
    // Never below one largest body, or such a photo could never be admitted.
    this.limit = Math.max(serving.body_budget_bytes ?? 4 * serving.max_body_bytes, serving.max_body_bytes);
  }

  /** Bytes held now by tickets not yet released. */
  get held(): number {
    return this.#held;
  }

  get full(): boolean {
    return this.#held >= this.limit;
  }

  /** Holds `bytes` (at most one largest body) until the ticket is released; undefined if over the limit. */
  tryHold(bytes: number): AdmissionTicket | undefined {
    const held = Math.max(0, Math.min(bytes, this.#maxBodyBytes));
    if (this.#held + held > this.limit) return undefined;
    this.#held += held;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#held -= held;
      },
    };
  }
}
