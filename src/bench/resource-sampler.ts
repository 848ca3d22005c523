import { readFile } from 'node:fs/promises';

export interface ResourceSample {
  /** Mean cores used over the sampling window (1.0 = one core busy). */
  readonly cpuCores: number;
  readonly peakRssBytes: number;
  readonly meanRssBytes: number;
  readonly samples: number;
}

const clockTicks = 100; // USER_HZ on Linux
const pageBytes = 4096;

/** CPU ticks (user + system, children excluded) and resident bytes of a process, from /proc. */
async function readProc(pid: number): Promise<{ ticks: number; rss: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15, rss is 24.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), rss: Number(fields[21]) * pageBytes };
  } catch {
    return undefined;
  }
}

/**
 * Samples one process's CPU and memory every `intervalMs` until stopped (Linux /proc; the process's own
 * threads included, so worker threads count).
 *
 * @example
 * const sampler = startResourceSampler(server.pid); await run(); const { cpuCores, peakRssBytes } = await sampler.stop();
 */
export function startResourceSampler(pid: number, intervalMs = 100): { stop(): Promise<ResourceSample> } {
  let first: { ticks: number; at: number } | undefined;
  let last: { ticks: number; at: number } | undefined;
  let peak = 0;
  let rssSum = 0;
  let samples = 0;
  const sample = async () => {
    const now = performance.now();
    const proc = await readProc(pid);
    if (!proc) return;
    const point = { ticks: proc.ticks, at: now };
    first ??= point;
    last = point;
    peak = Math.max(peak, proc.rss);
    rssSum += proc.rss;
    samples++;
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      const seconds = first && last ? (last.at - first.at) / 1000 : 0;
      const cpuCores = first && last && seconds > 0 ? (last.ticks - first.ticks) / clockTicks / seconds : 0;
      return { cpuCores, peakRssBytes: peak, meanRssBytes: samples ? rssSum / samples : 0, samples };
    },
  };
}
