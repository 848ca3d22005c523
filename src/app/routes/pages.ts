import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.js';
import { CategoryNotFoundError } from '../errors.js';
import { categoryPage, homePage } from '../views/pages.js';

const pageQuery = {
  type: 'object',
  properties: { page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 } },
  additionalProperties: false,
} as const;

/** Home and category pages: server-rendered HTML. */
export const pageRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  const homeQuery = {
    type: 'object',
    properties: { deleted: { type: 'integer', enum: [1] } },
    additionalProperties: false,
  } as const;
  app.get('/', { schema: { querystring: homeQuery } }, async (request, reply) => {
    const [recent, counts] = await Promise.all([
      context.service.list(undefined, 1, 12),
      context.service.photos.countsByCategory(),
    ]);
    const deleted = (request.query as { deleted?: number }).deleted === 1;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        homePage(context.pageContext(request, reply), recent.items, counts, deleted ? 'deleted' : undefined)
          .value,
      );
  });

  app.get(
    '/categories/:slug',
    {
      schema: {
        params: {
          type: 'object',
          properties: { slug: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } },
          required: ['slug'],
        },
        querystring: pageQuery,
      },
    },
    async (request, reply) => {
      const { slug } = request.params as { slug: string };
      const { page } = request.query as { page: number };
      const category = context.categoryFromSlug(slug);
      if (!category) throw new CategoryNotFoundError(slug);
      const photos = await context.service.list(category, page, context.settings.pageSize);
      return reply
        .type('text/html; charset=utf-8')
        .send(categoryPage(context.pageContext(request, reply), category, photos).value);
    },
  );
};
