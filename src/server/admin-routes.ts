import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AdminRequiredError } from '../http/index.js';
import type { ServerContext } from './context.js';
import { ModelNotFoundError, ServerError } from './errors.js';

const loadSchema = {
  params: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  body: {
    anyOf: [
      { type: 'null' },
      {
        type: 'object',
        properties: {
          parameters: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } } },
        },
      },
    ],
  },
} as const;

/**
 * Triton's model repository extension. `POST /v2/repository/index` lists versions openly, as Triton does: it
 * is read-only metadata, and Triton's own clients call it to discover the model. `POST
 * /v2/repository/models/{name}/load` loads the newest (or `parameters.version`) and needs the admin bearer
 * token; without a configured token it answers 403: reloading is then off.
 */
export function adminRoutes(context: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/v2/repository/index', async () => {
      const serving = context.manager.current?.model.version;
      return (await context.manager.versions()).map((version) => ({
        name: context.manager.name,
        version: String(version),
        state: version === serving ? 'READY' : 'UNAVAILABLE',
      }));
    });
    // Loading changes what is served: only it sits behind the token, in a plugin of its own.
    await app.register(async (admin) => {
      admin.addHook('onRequest', async (request: FastifyRequest) => requireAdmin(context, request));
      admin.post<{ Params: { name: string }; Body: { parameters?: { version?: number } } | null }>(
        '/v2/repository/models/:name/load',
        { schema: loadSchema },
        async (request) => loadVersion(context, request),
      );
    });
  };
}

function requireAdmin(context: ServerContext, request: FastifyRequest): void {
  const token = context.adminToken;
  if (!token) throw new AdminRequiredError(false);
  const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AdminRequiredError(true);
}

async function loadVersion(
  context: ServerContext,
  request: FastifyRequest<{ Params: { name: string }; Body: { parameters?: { version?: number } } | null }>,
): Promise<{ name: string; version: number; previous: number | undefined }> {
  if (request.params.name !== context.manager.name)
    throw new ModelNotFoundError(`model '${request.params.name}'`);
  const previous = context.manager.current?.model.version;
  try {
    const loaded = await context.manager.load(request.body?.parameters?.version);
    request.log.info({ version: loaded.version, previous }, 'model version loaded');
    return { name: context.manager.name, version: loaded.version, previous };
  } catch (cause) {
    request.log.error({ err: cause, serving: previous }, 'model load failed; the old version keeps serving');
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ServerError('GG_ERR_LOAD_FAILED', `load failed, version ${previous} keeps serving: ${reason}`, {
      cause,
    });
  }
}
