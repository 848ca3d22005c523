import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.js';
import { correctionsCsv, exportCorrectionsFolder } from '../corrections-export.js';
import { AppError } from '../errors.js';

/** Admin-only actions (mounted under /admin), all behind `Authorization: Bearer <admin token>`. */
export const adminRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  app.addHook('onRequest', async (request) => context.requireAdmin(request));

  app.get('/corrections.csv', async (_request, reply) => {
    const corrections = await context.service.photos.latestCorrections();
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="corrections.csv"')
      .send(correctionsCsv(corrections));
  });

  app.post(
    '/corrections/export',
    {
      schema: {
        response: {
          201: {
            type: 'object',
            properties: {
              path: { type: 'string' },
              files: { type: 'integer' },
              corrections: { type: 'integer' },
            },
            required: ['path', 'files', 'corrections'],
          },
        },
      },
    },
    async (_request, reply) => {
      const root = context.settings.exportDir;
      if (!root) throw new AppError('GG_ERR_EXPORT', 'no export folder is configured');
      const corrections = await context.service.photos.latestCorrections();
      const target = join(root, `corrections-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const result = await exportCorrectionsFolder(corrections, context.service.blobs, target);
      return reply.code(201).send({ ...result, corrections: corrections.length });
    },
  );
};
