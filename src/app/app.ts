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
  type PredictionRecord,
  ProjectionRegistry,
  prunePredictionLog,
  ShadowRunner,
  scheduleSettings,
} from '../monitoring/index.js';
import { defaultDecodeLimits } from '../vision/index.js';
import { AppContext, type AppOptions, appDefaults, type EdgeGuessSink, wantsJson } from './app-context.js';
import { edgeRoutes, loadEdgeAssets, logEdgeGuess, webModuleRoutes } from './edge/index.js';
import { toAppError } from './error-mapping.js';
import { defaultImageSizes } from './photo-image.js';
import { PhotoRepository } from './photo-repository.js';
import { PhotoService } from './photo-service.js';
import { RequestLog } from './request-log.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { healthRoutes } from './routes/health.js';
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
  const settings = resolveSettings(options);
  const metrics = createAppMetrics();
  const app = createServer(options, settings);
  const projections = new ProjectionRegistry(options.references ?? []);
  const shadow = createShadowRunner(app, options, projections, metrics);
  const service = createPhotoService(options, settings, projections, (record, bytes) => {
    metrics.observePrediction(record);
    shadow?.run(bytes, record);
  });
  const context = createContext(service, options, settings);

  observeRequests(app, metrics);
  // Shadow answers still being computed are written before the caller closes the database.
  if (shadow) app.addHook('onClose', async () => shadow.drain());
  await registerSecurity(app, {
    secret: options.secret ?? randomBytes(32).toString('base64url'),
    secureCookies: settings.secureCookies,
  });
  installErrorPages(app, context, settings.maxUploadBytes);
  enforceLogRetention(app, options.database, settings.logRetentionDays, options.now ?? (() => new Date()));
  await registerRoutes(app, context, options, metrics);
  return app;
}

/** The options with the defaults filled in where the caller left a setting out (or passed undefined). */
function resolveSettings(options: AppOptions) {
  return { ...appDefaults, ...stripUndefined(options) };
}

type AppSettings = ReturnType<typeof resolveSettings>;

/** The Fastify instance, with the server's timeouts and connection cap when the caller set limits. */
function createServer(options: AppOptions, settings: AppSettings): FastifyInstance {
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
  return app;
}

/** The candidate version's runner (shadow mode), or undefined when the caller gave no shadow classifier. */
function createShadowRunner(
  app: FastifyInstance,
  options: AppOptions,
  projections: ProjectionRegistry,
  metrics: AppMetrics,
): ShadowRunner | undefined {
  if (!options.shadow) return undefined;
  return new ShadowRunner({
    classifier: options.shadow,
    db: asLogDatabase(options.database.db),
    projections,
    onLogged: (serving, record) => {
      metrics.observePrediction(record);
      metrics.observeShadow(serving.category, record);
    },
    onError: (error) => app.log.warn({ err: error }, 'shadow classification failed'),
    ...(options.now ? { now: options.now } : {}),
  });
}

function createPhotoService(
  options: AppOptions,
  settings: AppSettings,
  projections: ProjectionRegistry,
  onLogged: (record: PredictionRecord, bytes: Uint8Array) => void,
): PhotoService {
  return new PhotoService(options.classifier, new PhotoRepository(options.database), options.blobs, {
    decodeLimits: options.decodeLimits ?? defaultDecodeLimits,
    imageSizes: options.imageSizes ?? defaultImageSizes,
    correctionQuorum: settings.correctionQuorum,
    instance: options.instanceId ?? randomBytes(8).toString('hex'),
    ...(options.now ? { now: options.now } : {}),
    projections,
    onLogged,
  });
}

function createContext(service: PhotoService, options: AppOptions, settings: AppSettings): AppContext {
  return new AppContext(service, options.classifier, options.adminToken, {
    maxUploadBytes: settings.maxUploadBytes,
    lowConfidence: settings.lowConfidence,
    pageSize: settings.pageSize,
    exportDir: options.exportDir,
    uploadsPerMinute: settings.uploadsPerMinute,
    correctionsPerMinute: settings.correctionsPerMinute,
    correctionQuorum: settings.correctionQuorum,
    edge: options.edgeModel !== undefined,
  });
}

/** Errors as JSON for API clients, and as a friendly page for browsers. */
function installErrorPages(app: FastifyInstance, context: AppContext, maxUploadBytes: number): void {
  installErrorHandler(app, {
    translate: (error) => toAppError(error, maxUploadBytes),
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
}

/** Every route group; the edge routes only when the browser may classify too. */
async function registerRoutes(
  app: FastifyInstance,
  context: AppContext,
  options: AppOptions,
  metrics: AppMetrics,
): Promise<void> {
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
  await app.register(healthRoutes, { context });
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

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
