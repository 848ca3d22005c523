// How bench:floor times a stage: rounds of work, the median round, its CPU time and its spread.
import { performance } from 'node:perf_hooks';

/** One stage measured alone: median over rounds of the mean ms per photo (or per call). */
export interface FloorStage {
  readonly stage: string;
  readonly ms: number;
  /** The best round: what the stage costs when the shared machine leaves it alone. */
  readonly min_ms: number;
  /** Spread over the rounds: (max − min) / median, a noise figure. */
  readonly spread: number;
  /**
   * Median CPU time (this process, every thread) per photo or call: unlike `ms` it does not grow while other
   * programs hold the cores, so it is the figure to compare across runs on a shared machine.
   */
  readonly cpu_ms?: number;
}

/** Median over rounds of the mean time per item, each round over every item once. */
export async function perPhoto<T>(
  stage: string,
  rounds: number,
  items: readonly T[],
  work: (item: T) => Promise<unknown>,
): Promise<FloorStage> {
  for (const item of items.slice(0, 4)) await work(item);
  const means: number[] = [];
  const cpuMeans: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    const cpuStarted = cpuMs();
    for (const item of items) await work(item);
    means.push((performance.now() - started) / items.length);
    cpuMeans.push((cpuMs() - cpuStarted) / items.length);
  }
  return summariseRounds(stage, means, cpuMeans);
}

export async function perCall(
  stage: string,
  rounds: number,
  callsPerRound: number,
  work: () => Promise<unknown>,
): Promise<FloorStage> {
  const means: number[] = [];
  const cpuMeans: number[] = [];
  const calls = Math.max(1, Math.round(callsPerRound));
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    const cpuStarted = cpuMs();
    for (let i = 0; i < calls; i++) await work();
    means.push((performance.now() - started) / calls);
    cpuMeans.push((cpuMs() - cpuStarted) / calls);
  }
  return summariseRounds(stage, means, cpuMeans);
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function summariseRounds(stage: string, means: number[], cpuMeans?: number[]): FloorStage {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const sorted = [...means].sort((a, b) => a - b);
  const ms = median(means);
  return {
    stage,
    ms,
    min_ms: sorted[0]!,
    spread: (sorted.at(-1)! - sorted[0]!) / ms,
    ...(cpuMeans ? { cpu_ms: median(cpuMeans) } : {}),
  };
}
