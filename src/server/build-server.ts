import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { applyConnectionCap, fastifyLimitOptions, installErrorHandler, metricsRoute } from '../http/index.js';
import type { Recipe } from '../recipes/index.js';
import { adminRoutes } from './admin-routes.js';
import type { ServerContext } from './context.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import type { ModelManager } from './model-manager.js';
import { oipRoutes } from './oip-routes.js';
import { predictRoute } from './predict-route.js';

export interface ServerOptions {
  readonly recipe: Recipe;
  readonly manager: ModelManager;
  /** Enables the admin (model reload) routes. */
  readonly adminToken?: string | undefined;
  /** pino options or `false`; JSON logs at `info` by default. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly metrics?: ServerMetrics;
  readonly predictionLog?: ServerContext['predictionLog'];
}

export interface InferenceServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Flip to true to fail readiness and refuse new work (SIGTERM). */
  readonly state: { draining: boolean };
}

/**
 * The inference HTTP server: OIP v2 REST, `POST /predict`, `/metrics`, admin reload. Errors are JSON
 * `{ error, code }` with their status, and `Retry-After` where a retry makes sense.
 *
 * @example
 * const { app } = await buildServer({ recipe, manager });
 * const res = await app.inject({ method: 'POST', url: '/predict', payload: jpeg, headers: { 'content-type': 'image/jpeg' } });
 */
export async function buildServer(options: ServerOptions): Promise<InferenceServer> {
  const metrics = options.metrics ?? createMetrics(() => options.manager.current?.stats?.());
  const state = { draining: false };
  const context: ServerContext = {
    recipe: options.recipe,
    manager: options.manager,
    metrics,
    adminToken: options.adminToken,
    state,
    ...(options.predictionLog ? { predictionLog: options.predictionLog } : {}),
  };
  const limits = options.recipe.serving.http;
  const app = Fastify({
    ...fastifyLimitOptions(limits),
    logger: options.logger ?? { level: 'info' },
    bodyLimit: options.recipe.serving.max_body_bytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One log line per failed request (below) instead of two per request: logging costs CPU at 350 req/s.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  applyConnectionCap(app.server, limits);
  const elapsedMs = (request: object) => {
    const started = (request as { startedAt?: bigint }).startedAt ?? process.hrtime.bigint();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  app.addHook('onRequest', async (request) => {
    (request as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = elapsedMs(request);
    metrics.requests.inc({ route, code: String(reply.statusCode) });
    metrics.e2e.observe({ route }, ms / 1000);
    if (reply.statusCode >= 400) {
      const line = { method: request.method, url: request.url, status: reply.statusCode, ms };
      request.log[reply.statusCode >= 500 ? 'warn' : 'info'](line, 'request');
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // While draining, close each connection after its answer: a kept-alive socket would hold the exit open.
    if (state.draining) reply.header('connection', 'close');
  });

  installErrorHandler(app);

  metricsRoute(app, metrics.registry);
  await app.register(oipRoutes(context));
  await app.register(predictRoute(context));
  await app.register(adminRoutes(context));
  app.addHook('onReady', async () => {
    const removed = await options.predictionLog?.log.startRetention();
    if (removed) app.log.info({ removed }, 'prediction log: files past retention deleted');
  });
  app.addHook('onClose', async () => {
    await options.predictionLog?.log.close();
  });
  return { app, metrics, state };
}
