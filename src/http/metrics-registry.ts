import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Latency buckets around the goals (5 ms, 10 ms, 50 ms, 200 ms) so a p99 can be read off them. */
export const secondsBuckets = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1, 2, 5,
];

export interface HttpMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'code'>;
  readonly e2e: Histogram<'route'>;
}

/**
 * A registry of its own (so tests can build many apps and servers in one process) with the process's default
 * metrics and the request counter and latency histogram every HTTP service here exports under the same names.
 */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gourmetgram_' });
  const requests = new Counter({
    name: 'gourmetgram_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['route', 'code'] as const,
    registers: [registry],
  });
  const e2e = new Histogram({
    name: 'gourmetgram_request_duration_seconds',
    help: 'End-to-end time from request received to response sent',
    labelNames: ['route'] as const,
    buckets: secondsBuckets,
    registers: [registry],
  });
  return { registry, requests, e2e };
}

/** Counts and times every answered request by its route pattern (never the raw URL: unbounded labels). */
export function observeRequests(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onRequest', async (request) => {
    (request as { metricsStart?: bigint }).metricsStart = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (request, reply) => {
    const started = (request as { metricsStart?: bigint }).metricsStart ?? process.hrtime.bigint();
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, code: String(reply.statusCode) });
    metrics.e2e.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
