import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';

/**
 * Connection and request limits of an HTTP server (app and inference server alike). Without them a body
 * trickled at one byte every few seconds holds its socket for minutes, and enough such sockets exhaust the
 * process's file descriptors and cut off every other client (issue 10).
 */
export const serverLimitsSchema = z
  .strictObject({
    /** The whole request, headers and body, must arrive within this (ms); a trickled body gets 408. */
    request_timeout_ms: z.number().int().min(100).default(30_000),
    /** The headers must arrive within this (ms) of the connection's first byte (slow-loris). */
    headers_timeout_ms: z.number().int().min(100).default(10_000),
    /** A socket with no byte in either direction for this long (ms) is closed, mid-body included. */
    idle_timeout_ms: z.number().int().min(100).default(15_000),
    /** How long (ms) a kept-alive socket waits for its next request. */
    keep_alive_timeout_ms: z.number().int().min(100).default(5_000),
    /** Connections open at once; past it a newcomer replaces the idlest or slowest, so descriptors remain. */
    max_connections: z.number().int().min(1).default(512),
  })
  .superRefine((limits, ctx) => {
    // Node refuses a headers timeout above the request timeout: the request timeout already covers it.
    if (limits.headers_timeout_ms > limits.request_timeout_ms)
      ctx.addIssue({
        code: 'custom',
        path: ['headers_timeout_ms'],
        message: 'must not exceed request_timeout_ms',
      });
  });

export type ServerLimits = z.infer<typeof serverLimitsSchema>;

/** The defaults, for callers configured by flags that override a few fields. */
export const defaultServerLimits: ServerLimits = Object.freeze(serverLimitsSchema.parse({}));

/** The options {@link fastifyLimitOptions} gives Fastify: its own timeouts plus Node's server options. */
export interface FastifyLimitOptions {
  readonly connectionTimeout: number;
  readonly keepAliveTimeout: number;
  readonly requestTimeout: number;
  readonly http: ServerOptions;
}

/**
 * Fastify's server options for `limits`. Node checks request and header timeouts on a timer that runs every
 * 30 s by default, which would let a trickled body live that much past its timeout; it is tightened to a
 * quarter of the shorter timeout.
 *
 * @example
 * const app = Fastify({ ...fastifyLimitOptions(limits), logger });
 * applyConnectionCap(app.server, limits);
 */
export function fastifyLimitOptions(limits: ServerLimits): FastifyLimitOptions {
  const shorter = Math.min(limits.request_timeout_ms, limits.headers_timeout_ms);
  return {
    connectionTimeout: limits.idle_timeout_ms,
    keepAliveTimeout: limits.keep_alive_timeout_ms,
    requestTimeout: limits.request_timeout_ms,
    http: {
      headersTimeout: limits.headers_timeout_ms,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(shorter / 4))),
    },
  };
}

/** What the cap knows of one open connection. */
interface TrackedSocket {
  readonly openedAt: number;
  /** Requests on it not yet answered: 0 is a kept-alive socket waiting for its next request. */
  active: number;
}

/** A connection younger than this is never evicted: it has not had time to show its pace. */
const evictionGraceMs = 1000;

/**
 * Caps the connections `server` holds at once (Fastify has no option for it). Node's own `maxConnections`
 * refuses whoever comes next, so a few hundred trickling clients holding every place would lock out
 * everyone else (issue 10). Here a newcomer past the cap takes the place of the connection that is worth
 * least: an idle kept-alive one first (its client reconnects for free), else the slowest by bytes read per
 * second; only when every other connection is younger than a second is the newcomer refused.
 */
export function applyConnectionCap(server: Server, limits: ServerLimits): void {
  const open = new Map<Socket, TrackedSocket>();
  server.on('connection', (socket: Socket) => {
    open.set(socket, { openedAt: performance.now(), active: 0 });
    socket.once('close', () => open.delete(socket));
    if (open.size <= limits.max_connections) return;
    const victim = leastWorth(open, socket, performance.now());
    (victim ?? socket).destroy();
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const tracked = open.get(request.socket);
    if (!tracked) return;
    tracked.active++;
    response.once('close', () => {
      tracked.active--;
    });
  });
}

function leastWorth(open: Map<Socket, TrackedSocket>, newcomer: Socket, now: number): Socket | undefined {
  let idle: Socket | undefined;
  let slowest: Socket | undefined;
  let slowestRate = Number.POSITIVE_INFINITY;
  for (const [socket, tracked] of open) {
    const age = now - tracked.openedAt;
    if (socket === newcomer || age < evictionGraceMs) continue;
    if (tracked.active === 0) {
      if (!idle || tracked.openedAt < open.get(idle)!.openedAt) idle = socket;
      continue;
    }
    const rate = socket.bytesRead / age;
    if (rate < slowestRate) {
      slowestRate = rate;
      slowest = socket;
    }
  }
  return idle ?? slowest;
}
