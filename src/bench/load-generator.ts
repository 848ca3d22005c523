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
  const started = performance.now();
  const run: LoadRun = {
    items: options.items,
    started,
    sent: 0,
    within: () => run.sent < limit && performance.now() - started < durationMs,
    // Open loop times each request from when it was due, not from when it left: a late send (a busy event
    // loop) is latency the client saw, and dropping it would be coordinated omission.
    send: (item, scheduledAt) => {
      const begin = scheduledAt ?? performance.now();
      return post(agent, target, item, timeoutMs, (status) => {
        const ms = performance.now() - begin;
        statuses[status] = (statuses[status] ?? 0) + 1;
        (status.startsWith('2') ? okLatency : rejectedLatency).push(ms);
      });
    },
  };
  if (openLoop) await driveOpenLoop(run, options.ratePerSecond!);
  else await driveClosedLoop(run, sockets);
  agent.destroy();
  const durationS = (performance.now() - started) / 1000;
  return {
    sent: run.sent,
    ok: okLatency.length,
    statuses,
    durationS,
    throughput: okLatency.length / durationS,
    latency: summarise(okLatency),
    rejectedLatency: summarise(rejectedLatency),
  };
}

/** One run in progress, shared by the loop that drives it and the requests it sends. */
interface LoadRun {
  readonly items: readonly LoadItem[];
  readonly started: number;
  /** Requests started so far; also picks the next item, round robin. */
  sent: number;
  /** Whether the run may start another request (under its count and within its duration). */
  within(): boolean;
  send(item: LoadItem, scheduledAt?: number): Promise<void>;
}

/** Starts requests on a fixed schedule whatever the answers, then waits for the last ones. */
async function driveOpenLoop(run: LoadRun, ratePerSecond: number): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / ratePerSecond;
  while (run.within()) {
    const due = run.started + run.sent * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const p = run.send(run.items[run.sent % run.items.length]!, due);
    run.sent++;
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
}

/** `clients` loops, each sending its next request when the last one is answered. */
async function driveClosedLoop(run: LoadRun, clients: number): Promise<void> {
  const client = async () => {
    while (run.within()) {
      const item = run.items[run.sent % run.items.length]!;
      run.sent++;
      await run.send(item);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
}

/**
 * POSTs one item and resolves once `answered` has been told the HTTP status (after the body is read), or
 * 'error' for a failed connection or a timeout.
 */
function post(
  agent: Agent,
  target: URL,
  item: LoadItem,
  timeoutMs: number,
  answered: (status: string) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const finish = (status: string) => {
      answered(status);
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
}
