import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.js';
import { isDatabaseUnavailable } from '../error-mapping.js';

const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'starting', 'degraded'] },
    database: { type: 'string', enum: ['ok', 'unavailable'] },
    classifier: { type: 'string', enum: ['ready', 'unavailable'] },
    model: { type: 'string' },
  },
  required: ['status', 'database', 'classifier', 'model'],
} as const;

/**
 * Liveness (`GET /health/live`): the process answers. Readiness (`GET /health`) also needs the database and
 * the classifier; a database outage must take replicas out of the Service, not restart them all.
 */
export const healthRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get(
    '/health',
    { schema: { response: { 200: healthSchema, 503: healthSchema } } },
    async (request, reply) => {
      let database: 'ok' | 'unavailable' = 'ok';
      try {
        await context.service.photos.ping();
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        request.log.warn({ reason: (error as Error).message }, 'health: database unavailable');
        database = 'unavailable';
      }
      const classifier = context.classifier.ready() ? 'ready' : 'unavailable';
      const ok = database === 'ok' && classifier === 'ready';
      if (!ok) reply.header('retry-after', '5');
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : database === 'ok' ? 'starting' : 'degraded',
        database,
        classifier,
        model: context.classifier.info().model,
      });
    },
  );
};
