/**
 * Open-loop load at fixed arrival rates: which rates to offer, when a replica counts as saturated, and the
 * throughput it sustains within a latency target. Pure; the load generator does the sending.
 */

/** What one fixed-rate step measured (latencies of answered requests, from their scheduled send time). */
export interface RateStep {
  readonly offeredRps: number;
  readonly achievedRps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Share of requests not answered 2xx (shed, timed out, failed). */
  readonly errorShare: number;
  readonly cpuCores: number;
  readonly peakRssMiB: number;
}

/** Fractions of the closed-loop throughput the ladder offers, low to well past saturation. */
export const defaultLadder: readonly number[] = Object.freeze([0.1, 0.25, 0.5, 0.7, 0.85, 1, 1.15, 1.3, 1.6]);

/**
 * Arrival rates to offer, ascending: fractions of a closed-loop throughput estimate, rounded to a tenth of a
 * request per second (at least 0.5 req/s, so a step of a few seconds still sends a few requests), duplicates
 * removed.
 *
 * @example
 * rateLadder(40) // [4, 10, 20, 28, 34, 40, 46, 52, 64]
 */
export function rateLadder(closedLoopRps: number, fractions: readonly number[] = defaultLadder): number[] {
  if (!(closedLoopRps > 0))
    throw new RangeError(`rateLadder needs a positive throughput, not ${closedLoopRps}`);
  const rates = fractions.map((f) => Math.max(0.5, Math.round(f * closedLoopRps * 10) / 10));
  return [...new Set(rates)].sort((a, b) => a - b);
}

/** A step is past saturation when the replica no longer keeps up, sheds load, or its tail runs away. */
export function isSaturated(step: RateStep, targetMs: number): boolean {
  return step.achievedRps < 0.9 * step.offeredRps || step.errorShare > 0.05 || step.p99Ms > 10 * targetMs;
}

/**
 * The highest throughput among steps that kept p99 within the target, answered all but `maxErrorShare` and kept
 * up with what was offered; undefined when no step did (even the lowest rate misses the target).
 */
export function sustainableThroughput(
  steps: readonly RateStep[],
  targetMs: number,
  maxErrorShare = 0.01,
): RateStep | undefined {
  let best: RateStep | undefined;
  for (const step of steps)
    if (
      step.p99Ms <= targetMs &&
      step.errorShare <= maxErrorShare &&
      step.achievedRps >= 0.9 * step.offeredRps &&
      (!best || step.achievedRps > best.achievedRps)
    )
      best = step;
  return best;
}
