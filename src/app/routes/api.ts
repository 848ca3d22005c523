import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.js';
import { CategoryNotFoundError } from '../errors.js';
import type { Photo } from '../photo-repository.js';
import { categorySlug } from '../views/layout.js';
import { correctionRateLimit, deletePhoto, photoIdParams } from './photos.js';

const score = {
  type: 'object',
  properties: { category: { type: 'string' }, confidence: { type: 'number' } },
  required: ['category', 'confidence'],
} as const;

const photoJson = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    image_url: { type: 'string' },
    thumb_url: { type: 'string' },
    caption: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    category: { type: 'string' },
    predicted_category: { type: 'string' },
    confidence: { type: 'number' },
    top: { type: 'array', items: score },
    model: { type: 'string' },
    model_version: { type: 'integer' },
    latency_ms: { type: 'number' },
    width: { type: 'integer' },
    height: { type: 'integer' },
  },
  required: ['id', 'url', 'category', 'confidence', 'top'],
} as const;

const photoListQuery = {
  type: 'object',
  properties: {
    category: { type: 'string', maxLength: 64 },
    page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
    page_size: { type: 'integer', minimum: 1, maximum: 100, default: 24 },
  },
  additionalProperties: false,
} as const;

const photoListJson = {
  type: 'object',
  properties: {
    photos: { type: 'array', items: photoJson },
    total: { type: 'integer' },
    page: { type: 'integer' },
    page_size: { type: 'integer' },
  },
  required: ['photos', 'total', 'page', 'page_size'],
} as const;

const categoriesJson = {
  type: 'object',
  properties: {
    categories: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, slug: { type: 'string' }, count: { type: 'integer' } },
      },
    },
  },
} as const;

/** The same data as the pages, as JSON (mounted under /api). */
export const apiRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  photoReadRoutes(app, context);
  photoChangeRoutes(app, context);
  categoryRoutes(app, context);
};

/** `GET /photos` (a page of the library, optionally one category) and `GET /photos/:id`. */
function photoReadRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/photos',
    { schema: { querystring: photoListQuery, response: { 200: photoListJson } } },
    async (request) => {
      const query = request.query as { category?: string; page: number; page_size: number };
      let category: string | undefined;
      if (query.category !== undefined) {
        // Either the name ("Noodles/Pasta") or its slug ("noodles-pasta").
        category = context.categories.includes(query.category)
          ? query.category
          : context.categoryFromSlug(query.category);
        if (!category) throw new CategoryNotFoundError(query.category);
      }
      const page = await context.service.list(category, query.page, query.page_size);
      return { photos: page.items.map(toJson), total: page.total, page: page.page, page_size: page.pageSize };
    },
  );

  app.get(
    '/photos/:id',
    { schema: { params: photoIdParams, response: { 200: photoJson } } },
    async (request) => toJson(await context.service.get((request.params as { id: string }).id)),
  );
}

/** `POST /photos/:id/corrections` (a vote for a category) and `DELETE /photos/:id`, both behind CSRF. */
function photoChangeRoutes(app: FastifyInstance, context: AppContext): void {
  app.post(
    '/photos/:id/corrections',
    {
      schema: {
        params: photoIdParams,
        body: {
          type: 'object',
          properties: { category: { type: 'string', maxLength: 100 } },
          required: ['category'],
          additionalProperties: false,
        },
        response: { 200: photoJson },
      },
      config: { rateLimit: correctionRateLimit(context) },
      preHandler: context.csrf,
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const category = (request.body as { category: string }).category;
      return toJson(await context.service.vote(id, context.voterOf(request), category));
    },
  );

  app.delete(
    '/photos/:id',
    { schema: { params: photoIdParams }, preHandler: context.csrf },
    async (request, reply) => {
      await deletePhoto(context, request, (request.params as { id: string }).id);
      return reply.code(204).send();
    },
  );
}

/** `GET /categories`: every class of the model with its slug and how many photos it holds. */
function categoryRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/categories', { schema: { response: { 200: categoriesJson } } }, async () => {
    const counts = await context.service.photos.countsByCategory();
    return {
      categories: context.categories.map((name) => ({
        name,
        slug: categorySlug(name),
        count: counts.get(name) ?? 0,
      })),
    };
  });
}

export function toJson(photo: Photo): Record<string, unknown> {
  return {
    id: photo.id,
    url: `/photos/${photo.id}`,
    image_url: `/photos/${photo.id}/image`,
    thumb_url: `/photos/${photo.id}/thumb`,
    caption: photo.caption,
    created_at: photo.createdAt,
    category: photo.category,
    predicted_category: photo.predictedCategory,
    confidence: photo.confidence,
    top: photo.top,
    model: photo.model,
    model_version: photo.modelVersion,
    latency_ms: photo.latencyMs,
    width: photo.width,
    height: photo.height,
  };
}
