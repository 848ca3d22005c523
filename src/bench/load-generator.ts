import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One HTTP request the generator sends: a body and its content type. */
export interface LoadItem {
  readonly body: Uint8Array;
  readonly contentType: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly items: readonly LoadItem[];
  /** Closed loop: this many clients, each sending its next request when the last one is answered. */
  readonly concurrency?: number;
  /** Open loop: requests started per second whatever the answers (overload runs). */
  readonly ratePerSecond?: number;
  readonly durationMs?: number;
  /** Stop after this many requests (whichever comes first with durationMs). */
  readonly requests?: number;
  readonly timeoutMs?: number;
}

export interface LoadResult {
  readonly sent: number;
  readonly ok: number;
  /** Answers by HTTP status ('error' for connection failures and timeouts). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly durationS: number;
  readonly throughput: number;
  /** Latencies of 2xx answers, ms. */
  readonly latency: LatencySummary;
  /** Latencies of non-2xx answers, ms (shedding should be fast). */
  readonly rejectedLatency: LatencySummary;
}

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of a sample. */
export function summarise(values: readonly number[]): LatencySummary {
  if (values.length === 0)
    return { count: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1)!,
  };
}

/**
 * Drives an HTTP endpoint with POSTs over keep-alive connections, closed loop (fixed concurrency) or open
 * loop (fixed arrival rate), and summarises what came back.
 *
 * @example
 * const result = await generateLoad({ url: 'http://127.0.0.1:8080/predict', items, concurrency: 16, durationMs: 10_000 });
 */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.items.length === 0) throw new RangeError('generateLoad needs at least one item');
  const openLoop = options.ratePerSecond !== undefined;
  const sockets = openLoop ? 1024 : Math.max(1, options.concurrency ?? 1);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const target = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const durationMs = options.durationMs ?? Number.POSITIVE_INFINITY;
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(durationMs) && !Number.isFinite(limit))
    throw new RangeError('give durationMs or requests');
  const statuses: Record<string, number> = {};
  const okLatency: number[] = [];
  const rejectedLatency: number[] = [];
  let sent = 0;
  const started = performance.now();
  const within = () => sent < limit && performance.now() - started < durationMs;

  // Open loop times each request from when it was due, not from when it left: a late send (a busy event loop)
  // is latency the client saw, and dropping it would be coordinated omission.
  const once = (item: LoadItem, scheduledAt?: number) =>
    new Promise<void>((resolve) => {
      const begin = scheduledAt ?? performance.now();
      const finish = (status: string) => {
        const ms = performance.now() - begin;
        statuses[status] = (statuses[status] ?? 0) + 1;
        (status.startsWith('2') ? okLatency : rejectedLatency).push(ms);
        resolve();
      };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          headers: { 'content-type': item.contentType, 'content-length': item.body.length },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => finish(String(res.statusCode)));
          res.on('error', () => finish('error'));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => finish('error'));
      req.end(item.body);
    });

  const inFlight = new Set<Promise<void>>();
  if (openLoop) {
    const interval = 1000 / options.ratePerSecond!;
    while (within()) {
      const due = started + sent * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const p = once(options.items[sent % options.items.length]!, due);
      sent++;
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
  } else {
    const client = async () => {
      while (within()) {
        const item = options.items[sent % options.items.length]!;
        sent++;
        await once(item);
      }
    };
    await Promise.all(Array.from({ length: sockets }, client));
  }
  agent.destroy();
  const durationS = (performance.now() - started) / 1000;
  return {
    sent,
    ok: okLatency.length,
    statuses,
    durationS,
    throughput: okLatency.length / durationS,
    latency: summarise(okLatency),
    rejectedLatency: summarise(rejectedLatency),
  };
}
