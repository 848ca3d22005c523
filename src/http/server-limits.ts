import type { Server, ServerOptions } from 'node:http';
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
    /** Connections open at once; more are closed on arrival, so the process keeps descriptors to serve. */
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

/** Caps the connections `server` holds at once (Fastify has no option for it). */
export function applyConnectionCap(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.max_connections;
}
