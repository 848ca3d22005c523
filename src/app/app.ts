import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  applyConnectionCap,
  fastifyLimitOptions,
  installErrorHandler,
  observeRequests,
} from '../http/index.js';
import {
  type AppMetrics,
  appendPrediction,
  asLogDatabase,
  createAppMetrics,
  edgeGuessRecord,
  MonitorSchedule,
  monitorSettings,
  ProjectionRegistry,
  prunePredictionLog,
  ShadowRunner,
  scheduleSettings,
} from '../monitoring/index.js';
import { defaultDecodeLimits } from '../vision/index.js';
import { AppContext, type AppOptions, appDefaults, wantsJson } from './app-context.js';
import {
  type EdgeGuessSink,
  edgeRoutes,
  loadEdgeAssets,
  logEdgeGuess,
  webModuleRoutes,
} from './edge/index.js';
import { isDatabaseUnavailable, toAppError } from './error-mapping.js';
import { defaultImageSizes } from './photo-image.js';
import { PhotoRepository } from './photo-repository.js';
import { PhotoService } from './photo-service.js';
import { RequestLog } from './request-log.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { pageRoutes } from './routes/pages.js';
import { photoRoutes } from './routes/photos.js';
import { staticRoutes } from './routes/static.js';
import { uploadRoutes } from './routes/upload.js';
import { registerSecurity } from './security-plugins.js';
import { friendlyError } from './views/friendly-errors.js';
import { errorPage } from './views/pages.js';

/**
 * Builds the GourmetGram web app around an injected classifier, database and blob store. The caller owns
 * those three and closes them after `app.close()`.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const settings = { ...appDefaults, ...stripUndefined(options) };
  const metrics = createAppMetrics();
  const projections = new ProjectionRegistry(options.references ?? []);
  const shadow = options.shadow
    ? new ShadowRunner({
        classifier: options.shadow,
        db: asLogDatabase(options.database.db),
        projections,
        onLogged: (serving, record) => {
          metrics.observePrediction(record);
          metrics.observeShadow(serving.category, record);
        },
        onError: (error) => app.log.warn({ err: error }, 'shadow classification failed'),
        ...(options.now ? { now: options.now } : {}),
      })
    : undefined;
  const service = new PhotoService(options.classifier, new PhotoRepository(options.database), options.blobs, {
    decodeLimits: options.decodeLimits ?? defaultDecodeLimits,
    imageSizes: options.imageSizes ?? defaultImageSizes,
    correctionQuorum: settings.correctionQuorum,
    instance: options.instanceId ?? randomBytes(8).toString('hex'),
    ...(options.now ? { now: options.now } : {}),
    projections,
    onLogged: (record, bytes) => {
      metrics.observePrediction(record);
      shadow?.run(bytes, record);
    },
  });
  const context = new AppContext(service, options.classifier, options.adminToken, {
    maxUploadBytes: settings.maxUploadBytes,
    lowConfidence: settings.lowConfidence,
    pageSize: settings.pageSize,
    exportDir: options.exportDir,
    uploadsPerMinute: settings.uploadsPerMinute,
    correctionsPerMinute: settings.correctionsPerMinute,
    correctionQuorum: settings.correctionQuorum,
    edge: options.edgeModel !== undefined,
  });

  const app = Fastify({
    ...(options.limits ? fastifyLimitOptions(options.limits) : {}),
    logger: typeof settings.logger === 'object' ? { ...settings.logger } : settings.logger,
    trustProxy: settings.trustProxy,
    bodyLimit: 64 * 1024,
    logController: new RequestLog(),
    // Route schemas: coerce query strings to numbers, but never add or strip silently.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  });
  if (options.limits) applyConnectionCap(app.server, options.limits);
  observeRequests(app, metrics);
  // Shadow answers still being computed are written before the caller closes the database.
  if (shadow) app.addHook('onClose', async () => shadow.drain());
  await registerSecurity(app, {
    secret: options.secret ?? randomBytes(32).toString('base64url'),
    secureCookies: settings.secureCookies,
  });

  installErrorHandler(app, {
    translate: (error) => toAppError(error, settings.maxUploadBytes),
    render: (request, reply, answer) =>
      wantsJson(request)
        ? undefined
        : reply
            .type('text/html; charset=utf-8')
            .send(
              errorPage(
                context.pageContext(request, reply),
                answer.status,
                friendlyError(answer.code, answer.status, answer.message),
              ).value,
            ),
  });

  enforceLogRetention(app, options.database, settings.logRetentionDays, options.now ?? (() => new Date()));
  await app.register(staticRoutes);
  await app.register(webModuleRoutes);
  if (options.edgeModel)
    await app.register(edgeRoutes, {
      context,
      assets: await loadEdgeAssets(options.edgeModel),
      onGuess:
        options.onEdgeGuess ?? logAndStoreEdgeGuess(options.database, options.now ?? (() => new Date())),
    });
  await app.register(pageRoutes, { context });
  await app.register(uploadRoutes, { context });
  await app.register(photoRoutes, { context });
  await app.register(apiRoutes, { context, prefix: '/api' });
  await app.register(adminRoutes, { context, prefix: '/admin' });
  await app.register(monitoringRoutes, { context, metrics, ...monitorSchedule(app, options, metrics) });

  // Liveness: the process answers. Readiness (/health) also needs the database and the classifier; a
  // database outage must take replicas out of the Service, not restart them all.
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get(
    '/health',
    { schema: { response: { 200: healthSchema, 503: healthSchema } } },
    async (request, reply) => {
      let database: 'ok' | 'unavailable' = 'ok';
      try {
        await service.photos.ping();
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        request.log.warn({ reason: (error as Error).message }, 'health: database unavailable');
        database = 'unavailable';
      }
      const classifier = options.classifier.ready() ? 'ready' : 'unavailable';
      const ok = database === 'ok' && classifier === 'ready';
      if (!ok) reply.header('retry-after', '5');
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : database === 'ok' ? 'starting' : 'degraded',
        database,
        classifier,
        model: options.classifier.info().model,
      });
    },
  );
  return app;
}

/** The drift and alert schedule: evaluated when the app is ready, then every interval, stopped on close. */
function monitorSchedule(app: FastifyInstance, options: AppOptions, metrics: AppMetrics) {
  const settings = scheduleSettings(options.monitoring?.schedule);
  const schedule = new MonitorSchedule({
    db: asLogDatabase(options.database.db),
    references: options.references ?? [],
    drift: monitorSettings(options.monitoring?.drift),
    schedule: settings,
    metrics,
    ...(options.now ? { now: options.now } : {}),
    onError: (error) => app.log.warn({ err: error }, 'monitoring evaluation failed'),
  });
  app.addHook('onReady', async () => {
    schedule.start();
    // The first evaluation runs in the background: a big log must not hold the app's start.
    schedule
      .evaluate()
      .catch((error: unknown) => app.log.warn({ err: error }, 'monitoring evaluation failed'));
  });
  app.addHook('onClose', async () => schedule.stop());
  return { schedule, settings };
}

/** The default edge sink: a log line, and a prediction-log row beside the server's answer for the photo. */
function logAndStoreEdgeGuess(database: AppOptions['database'], now: () => Date): EdgeGuessSink {
  return async (guess, request) => {
    await logEdgeGuess(guess, request);
    await appendPrediction(asLogDatabase(database.db), edgeGuessRecord({ ...guess, time: now() }));
  };
}

/** Retention of the prediction log: enforced when the app is ready, then hourly. */
function enforceLogRetention(
  app: FastifyInstance,
  database: AppOptions['database'],
  days: number,
  now: () => Date,
): void {
  const prune = () =>
    prunePredictionLog(asLogDatabase(database.db), new Date(now().getTime() - days * 86_400_000)).then(
      (removed) => {
        if (removed > 0) app.log.info({ removed, days }, 'prediction log: rows past retention deleted');
      },
      (error: unknown) => app.log.warn({ err: error }, 'prediction log retention failed'),
    );
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await prune();
    timer = setInterval(prune, 3_600_000).unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}

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

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
