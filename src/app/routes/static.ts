import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { projectPath } from '../../recipes/index.js';

const assets: Record<string, string> = {
  'style.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** The few browser assets under web/, read once at start. */
export const staticRoutes: FastifyPluginAsync = async (app) => {
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(assets)) files.set(name, await readFile(projectPath('web', name)));
  app.get(
    '/static/:name',
    {
      schema: {
        params: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 64 } },
          required: ['name'],
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const body = files.get(name);
      const type = assets[name];
      if (!body || !type) return reply.callNotFound();
      return reply.type(type).header('cache-control', 'public, max-age=3600').send(body);
    },
  );
};
