import type { LatencySummary, LoadResult } from './load-generator.js';
import type { RateStep } from './open-loop.js';
import type { ResourceSample } from './resource-sampler.js';

/** Offline figures: the packaged model alone, no HTTP. */
export interface OfflineFigures {
  readonly split: string;
  readonly n: number;
  readonly top1: number;
  readonly macro_f1: number;
  readonly top2: number;
  readonly ece: number;
  readonly model_bytes: number;
  /** Session creation (graph optimisation included), median of three loads. */
  readonly load_ms: number;
  /** One preprocessed image through the session, ms. */
  readonly batch1: LatencySummary;
  /** Images per second through the session at batch 8 and 32. */
  readonly throughput_batch8: number;
  readonly throughput_batch32: number;
}

/** Closed-loop run: a fixed number of clients, each sending its next request once answered. */
export interface ClosedLoopRun {
  readonly clients: number;
  readonly load: LoadResult;
  /** Share of requests answered 2xx. */
  readonly availability: number;
  readonly resources: ResourceSample;
}

/** What siege (an independent client) reported for the same protocol; absent when it is not installed. */
export interface SiegeRun {
  readonly command: string;
  readonly transactions: number;
  readonly availability: number;
  readonly elapsed_s: number;
  readonly response_time_ms: number;
  readonly transaction_rate: number;
  readonly failed_transactions: number;
  readonly longest_transaction_ms: number;
  readonly resources: ResourceSample;
}

/** results/<recipe>/bench.json */
export interface BenchResult {
  readonly schema: 'gourmetgram.bench/1';
  readonly recipe: string;
  readonly created: string;
  readonly machine: {
    readonly cores: number;
    readonly node: string;
    readonly load_average: readonly number[];
  };
  readonly protocol: {
    readonly seconds: number;
    readonly clients: number;
    readonly step_seconds: number;
    readonly latency_target_ms: number;
  };
  readonly offline: OfflineFigures;
  readonly cold_start_ms: readonly number[];
  /** One client: one request's latency on an idle replica. */
  readonly idle: ClosedLoopRun;
  readonly closed_loop: ClosedLoopRun;
  readonly siege: SiegeRun | null;
  readonly open_loop: readonly RateStep[];
  readonly sustainable: {
    readonly throughput_rps: number;
    readonly p99_ms: number;
    readonly cpu_cores: number;
  } | null;
  /** The serving figures as shares of the machine's floor (results/floor.json), when one was measured. */
  readonly floor?: {
    readonly photos_per_second: number;
    readonly lone_latency_ms: number;
    readonly closed_loop_share: number;
    readonly sustainable_share: number | null;
  } | null;
}
