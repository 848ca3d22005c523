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
 * Triton's model repository extension, protected by a bearer token: `POST /v2/repository/index` lists
 * versions, `POST /v2/repository/models/{name}/load` loads the newest (or `parameters.version`).
 * Without a configured token the routes answer 403: reloading is then off.
 */
export function adminRoutes(context: ServerContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const token = context.adminToken;
      if (!token) throw new AdminRequiredError(false);
      const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      const a = Buffer.from(given);
      const b = Buffer.from(token);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AdminRequiredError(true);
    });
    app.post('/v2/repository/index', async () => {
      const serving = context.manager.current?.model.version;
      return (await context.manager.versions()).map((version) => ({
        name: context.manager.name,
        version: String(version),
        state: version === serving ? 'READY' : 'UNAVAILABLE',
      }));
    });
    app.post<{ Params: { name: string }; Body: { parameters?: { version?: number } } | null }>(
      '/v2/repository/models/:name/load',
      { schema: loadSchema },
      async (request) => {
        if (request.params.name !== context.manager.name)
          throw new ModelNotFoundError(`model '${request.params.name}'`);
        const previous = context.manager.current?.model.version;
        try {
          const loaded = await context.manager.load(request.body?.parameters?.version);
          request.log.info({ version: loaded.version, previous }, 'model version loaded');
          return { name: context.manager.name, version: loaded.version, previous };
        } catch (cause) {
          request.log.error(
            { err: cause, serving: previous },
            'model load failed; the old version keeps serving',
          );
          const reason = cause instanceof Error ? cause.message : String(cause);
          throw new ServerError(
            'GG_ERR_LOAD_FAILED',
            `load failed, version ${previous} keeps serving: ${reason}`,
            {
              cause,
            },
          );
        }
      },
    );
  };
}
