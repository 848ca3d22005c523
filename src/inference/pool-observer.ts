import type { InferenceSessionKind } from './worker-messages.js';

/** What the pool reports to whoever measures it (the server's Prometheus metrics). */
export interface PoolObserver {
  batch?(size: number, inferMs: number, session: InferenceSessionKind): void;
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
