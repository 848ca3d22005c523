import { request as httpRequest } from 'node:http';

/**
 * The soak's scenario registry: each scenario drives real processes into one fault or overload and
 * reports a row. Server scenarios live in server-scenarios.ts; app scenarios register from their own file.
 */

/** What every scenario is given. */
export interface SoakContext {
  /** The short form (CI): fewer clients, shorter phases, well under two minutes in all. */
  readonly short: boolean;
  /** The compiled build to run (its dist/ folder): this tree's, or an older one's for a before/after. */
  readonly dist: string;
  /** Environment for child processes (model mirror, cache, data). */
  readonly env: NodeJS.ProcessEnv;
  /** A model repository holding the latency recipe's packaged model, prepared once for every scenario. */
  readonly repository: string;
  log(line: string): void;
}

/** One check a scenario makes; a failed check makes `npm run soak` exit non-zero. */
export interface SoakCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SoakRow {
  readonly scenario: string;
  readonly requests: number;
  /** Answers by HTTP status, plus `error` for connections that failed without one. */
  readonly statuses: Readonly<Record<string, number>>;
  /** From the end of the fault to the first good answer; null when it never came. */
  readonly recovery_ms: number | null;
  readonly peak_rss_mb: number | null;
  readonly rss_limit_mb: number | null;
  /** Things left behind that should not be: processes, orphan files, partial files. */
  readonly litter: number;
  readonly checks: readonly SoakCheck[];
}

/** The soak's table, one row a scenario: printed by `npm run soak` and written into README by `npm run docs`. */
export function soakTable(rows: readonly SoakRow[]): { header: string[]; cells: string[][] } {
  const header = ['scenario', 'requests', 'answers by status', 'recovery', 'peak RSS', 'litter', 'checks'];
  const cells = rows.map((row) => [
    row.scenario,
    String(row.requests),
    Object.entries(row.statuses)
      .map(([status, count]) => `${status}×${count}`)
      .join(' '),
    row.recovery_ms === null ? 'never' : `${(row.recovery_ms / 1000).toFixed(2)} s`,
    row.peak_rss_mb === null
      ? '-'
      : `${row.peak_rss_mb}${row.rss_limit_mb === null ? '' : `/${row.rss_limit_mb}`} MiB`,
    String(row.litter),
    `${row.checks.filter((c) => c.ok).length}/${row.checks.length}`,
  ]);
  return { header, cells };
}

export interface SoakScenario {
  readonly name: string;
  readonly description: string;
  run(context: SoakContext): Promise<SoakRow>;
}

/** Sockets that already carry the listener that swallows a reset after an early answer. */
const quietSockets = new WeakSet<object>();

const scenarios = new Map<string, SoakScenario>();

/** Adds a scenario; names are unique. */
export function registerScenario(scenario: SoakScenario): void {
  if (scenarios.has(scenario.name)) throw new Error(`bug: soak scenario ${scenario.name} registered twice`);
  scenarios.set(scenario.name, scenario);
}

/** Every registered scenario, in registration order. */
export function soakScenarios(): SoakScenario[] {
  return [...scenarios.values()];
}

/** Counts answers by status while a scenario runs. */
export class StatusTally {
  readonly counts: Record<string, number> = {};
  /** Why requests failed without an answer (the socket error's code), for the scenario's detail. */
  readonly errors: Record<string, number> = {};
  requests = 0;

  add(status: number | 'error'): void {
    this.requests++;
    this.counts[String(status)] = (this.counts[String(status)] ?? 0) + 1;
  }

  /** POSTs `body` to `url` and tallies the answer; resolves to its status (or 'error'). */
  async post(url: string, body: Uint8Array, type = 'image/png'): Promise<number | 'error'> {
    let status: number | 'error';
    try {
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': type } });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      status = 'error';
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? String(error);
      this.errors[why] = (this.errors[why] ?? 0) + 1;
    }
    this.add(status);
    return status;
  }

  /**
   * POSTs `body` as a client that reads the answer while still sending, as curl and browsers do: on an
   * early final answer (a 429 before the body is read) it stops sending. fetch() keeps writing, so a
   * server that cuts a body past its request timeout shows as a broken upload though it had answered.
   */
  postReadingEarly(url: string, body: Uint8Array, type: string): Promise<number | 'error'> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (status: number | 'error', why?: string) => {
        if (settled) return;
        settled = true;
        if (why) this.errors[why] = (this.errors[why] ?? 0) + 1;
        this.add(status);
        resolve(status);
      };
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': type, 'content-length': body.length },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode ?? 'error'));
        res.on('error', (error: NodeJS.ErrnoException) => settle('error', error.code ?? error.message));
        // The answer is final: the rest of the body is not wanted.
        if (!req.writableEnded) req.destroy();
      });
      req.on('error', (error: NodeJS.ErrnoException) => settle('error', error.code ?? error.message));
      // A reset after the answer (the upload was cut short on purpose) surfaces on the socket alone. Keep-alive
      // hands the same socket to later requests: one listener per socket, not one per request.
      req.on('socket', (socket) => {
        if (quietSockets.has(socket)) return;
        quietSockets.add(socket);
        socket.on('error', () => undefined);
      });
      req.end(body);
    });
  }
}
