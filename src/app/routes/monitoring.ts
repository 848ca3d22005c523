import type { FastifyPluginAsync } from 'fastify';
import { metricsRoute } from '../../http/index.js';
import type { AppMetrics, MonitorSchedule, ScheduleSettings } from '../../monitoring/index.js';
import type { AppContext } from '../app-context.js';
import { dashboardPage } from '../views/dashboard.js';

export interface MonitoringRoutesOptions {
  readonly context: AppContext;
  readonly metrics: AppMetrics;
  readonly schedule: MonitorSchedule;
  readonly settings: ScheduleSettings;
}

/**
 * `GET /metrics` (Prometheus; aggregates only, no photo or visitor data, like the inference server's), and
 * the admin monitoring views: `GET /admin/monitoring` (the newest evaluation as JSON), `POST
 * /admin/monitoring/evaluate` (evaluate now) and `GET /admin/dashboard` (the page).
 */
export const monitoringRoutes: FastifyPluginAsync<MonitoringRoutesOptions> = async (app, options) => {
  const { context, schedule } = options;
  metricsRoute(app, options.metrics.registry);

  const current = async () => schedule.snapshot ?? (await schedule.evaluate());

  app.get('/admin/monitoring', { onRequest: async (request) => context.requireAdmin(request) }, async () =>
    current(),
  );

  app.post(
    '/admin/monitoring/evaluate',
    { onRequest: async (request) => context.requireAdmin(request) },
    async () => schedule.evaluate(),
  );

  app.get(
    '/admin/dashboard',
    { onRequest: async (request) => context.requireAdmin(request) },
    async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(
        dashboardPage(context.pageContext(request, reply), {
          snapshot: await current(),
          classes: context.categories,
          p99TargetMs: options.settings.p99TargetMs,
        }).value,
      ),
  );
};
