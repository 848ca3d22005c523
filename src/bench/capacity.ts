import type { BenchResult } from './bench-result.js';
import { type RateStep, sustainableThroughput } from './open-loop.js';

/** The figures `gourmetgram cost` reads (results/<recipe>/capacity.json, see src/deploy/capacity-figures.ts). */
export interface CapacityFile {
  readonly schema: 'gourmetgram.capacity/1';
  readonly recipe: string;
  readonly source: string;
  readonly throughput_rps_at_target?: number;
  readonly latency_target_ms: number;
  readonly latency_p50_ms?: number;
  readonly cold_start_s?: number;
  readonly memory_mib?: number;
  readonly cpu_cores_at_throughput?: number;
}

/** The sustainable point of an open-loop ladder, in the shape bench.json keeps it. */
export function sustainablePoint(steps: readonly RateStep[], targetMs: number): BenchResult['sustainable'] {
  const best = sustainableThroughput(steps, targetMs);
  return best ? { throughput_rps: best.achievedRps, p99_ms: best.p99Ms, cpu_cores: best.cpuCores } : null;
}

/**
 * Capacity figures from a bench run: throughput at the target from the open-loop ladder, p50 from the idle run,
 * the median cold start, and the peak memory seen under any load. A figure that was not measured (no step
 * within the target, a zero reading) is left out rather than invented, so the cost model refuses to run on it.
 */
export function capacityFrom(result: BenchResult): CapacityFile {
  const positive = (v: number | undefined) =>
    v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
  const colds = [...result.cold_start_ms].sort((a, b) => a - b);
  const cold = colds.length ? colds[Math.floor((colds.length - 1) / 2)]! / 1000 : undefined;
  const peakRss = Math.max(
    result.idle.resources.peakRssBytes,
    result.closed_loop.resources.peakRssBytes,
    result.siege?.resources.peakRssBytes ?? 0,
    ...result.open_loop.map((s) => s.peakRssMiB * 2 ** 20),
  );
  const round = (v: number | undefined, digits: number) =>
    v === undefined ? undefined : Number(v.toFixed(digits));
  return {
    schema: 'gourmetgram.capacity/1',
    recipe: result.recipe,
    source: `gourmetgram bench (${result.created})`,
    throughput_rps_at_target: round(positive(result.sustainable?.throughput_rps), 2),
    latency_target_ms: result.protocol.latency_target_ms,
    latency_p50_ms: round(positive(result.idle.load.latency.p50), 2),
    cold_start_s: cold === undefined ? undefined : round(cold, 3),
    memory_mib: round(positive(peakRss / 2 ** 20), 1),
    cpu_cores_at_throughput: round(positive(result.sustainable?.cpu_cores), 3),
  };
}
