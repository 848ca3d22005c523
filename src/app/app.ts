import { randomBytes } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { defaultDecodeLimits } from '../vision/index.js';
import { AppContext, type AppOptions, appDefaults, wantsJson } from './app-context.js';
import { defaultImageSizes } from './photo-image.js';
import { PhotoRepository } from './photo-repository.js';
import { PhotoService } from './photo-service.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { pageRoutes } from './routes/pages.js';
import { photoRoutes } from './routes/photos.js';
import { staticRoutes } from './routes/static.js';
import { uploadRoutes } from './routes/upload.js';
import {
  newToken,
  ownerCookie,
  ownerCookieHeader,
  parseCookies,
  securityHeaders,
  validOwnerToken,
} from './security.js';
import { errorPage } from './views/pages.js';

/**
 * Builds the GourmetGram web app around an injected classifier, database and blob store. The caller owns
 * those three and closes them after `app.close()`.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const settings = { ...appDefaults, ...stripUndefined(options) };
  const service = new PhotoService(options.classifier, new PhotoRepository(options.database), options.blobs, {
    decodeLimits: options.decodeLimits ?? defaultDecodeLimits,
    imageSizes: options.imageSizes ?? defaultImageSizes,
    ...(options.now ? { now: options.now } : {}),
  });
  const context = new AppContext(
    service,
    options.classifier,
    options.secret ?? randomBytes(32).toString('base64url'),
    options.adminToken,
    {
      maxUploadBytes: settings.maxUploadBytes,
      lowConfidence: settings.lowConfidence,
      pageSize: settings.pageSize,
      exportDir: options.exportDir,
    },
    settings.uploadsPerMinute,
    settings.uploadBurst,
  );

  const app = Fastify({
    logger: typeof settings.logger === 'object' ? { ...settings.logger } : settings.logger,
    trustProxy: settings.trustProxy,
    bodyLimit: 64 * 1024,
    // Route schemas: coerce query strings to numbers, but never add or strip silently.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  });
  app.decorateRequest('owner', '');
  app.decorateRequest('ownerFromCookie', false);

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(securityHeaders);
    const token = parseCookies(request.headers.cookie).get(ownerCookie);
    if (token && validOwnerToken.test(token)) {
      request.owner = token;
      request.ownerFromCookie = true;
    } else {
      request.owner = newToken();
      reply.header('set-cookie', ownerCookieHeader(request.owner, settings.secureCookies));
    }
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(context, request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      context,
      request,
      reply,
      Object.assign(new Error('there is no page at this address'), {
        statusCode: 404,
        code: 'GG_ERR_NOT_FOUND',
      }),
    ),
  );

  await app.register(staticRoutes);
  await app.register(pageRoutes, { context });
  await app.register(uploadRoutes, { context });
  await app.register(photoRoutes, { context });
  await app.register(apiRoutes, { context, prefix: '/api' });
  await app.register(adminRoutes, { context, prefix: '/admin' });

  app.get(
    '/health',
    { schema: { response: { 200: healthSchema, 503: healthSchema } } },
    async (_request, reply) => {
      await service.photos.ping();
      const ready = options.classifier.ready();
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : 'starting', model: options.classifier.info().model });
    },
  );
  return app;
}

const healthSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, model: { type: 'string' } },
  required: ['status', 'model'],
} as const;

interface HttpError {
  readonly message: string;
  readonly statusCode?: number;
  readonly code?: string;
  readonly retryAfter?: number;
  readonly retryAfterSeconds?: number;
  readonly validation?: unknown;
}

function sendError(
  context: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  error: HttpError,
): FastifyReply {
  let status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status === 499) status = 400;
  const code = error.validation ? 'GG_ERR_BAD_REQUEST' : (error.code ?? 'GG_ERR_INTERNAL');
  // Internal details stay in the log; the visitor gets a plain sentence.
  const message =
    status >= 500 && status !== 503 ? 'an unexpected error occurred; it has been logged' : error.message;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  const retryAfter = error.retryAfterSeconds ?? error.retryAfter;
  if ((status === 429 || status === 503) && retryAfter !== undefined)
    reply.header('retry-after', String(retryAfter));
  reply.code(status);
  if (wantsJson(request)) return reply.send({ error: message, code });
  return reply
    .type('text/html; charset=utf-8')
    .send(errorPage(context.pageContext(request), status, message).value);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
