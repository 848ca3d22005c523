import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { type AppContext, redirect, wantsJson } from '../app-context.js';
import { NotAllowedError, PhotoNotFoundError } from '../errors.js';
import type { Photo } from '../photo-repository.js';
import { photoPage } from '../views/pages.js';

export const photoIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[a-f0-9]{20}$' } },
  required: ['id'],
} as const;

const formBody = {
  type: 'object',
  properties: { _csrf: { type: 'string', maxLength: 200 }, category: { type: 'string', maxLength: 100 } },
} as const;

/** The photo page, its image files, and the two forms on it (correct, delete). */
export const photoRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  app.get(
    '/photos/:id',
    {
      schema: {
        params: photoIdParams,
        querystring: {
          type: 'object',
          properties: { corrected: { type: 'integer', enum: [1] } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const photo = await context.service.get((request.params as { id: string }).id);
      const page = photoPage(context.pageContext(request, reply), photo, {
        lowConfidence: context.settings.lowConfidence,
        canDelete: mayDelete(context, request, photo),
        corrected: (request.query as { corrected?: number }).corrected === 1,
      });
      return reply.type('text/html; charset=utf-8').send(page.value);
    },
  );

  for (const variant of ['image', 'thumb'] as const) {
    app.get(`/photos/:id/${variant}`, { schema: { params: photoIdParams } }, async (request, reply) => {
      const photo = await context.service.get((request.params as { id: string }).id);
      const bytes = await context.service.blobs.get(variant === 'image' ? photo.imageKey : photo.thumbKey);
      if (!bytes) throw new PhotoNotFoundError(photo.id);
      // Blob keys are never reused, so a photo's bytes can be cached for good.
      return reply
        .type(variant === 'image' ? photo.mime : 'image/jpeg')
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(Buffer.from(bytes));
    });
  }

  app.post(
    '/photos/:id/corrections',
    {
      schema: { params: photoIdParams, body: { ...formBody, required: ['category'] } },
      config: { rateLimit: correctionRateLimit(context) },
      preHandler: context.csrf,
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as { category: string };
      const photo = await context.service.vote(id, context.voterOf(request), body.category);
      if (wantsJson(request)) return reply.send({ id: photo.id, category: photo.category });
      return redirect(reply, `/photos/${photo.id}?corrected=1`);
    },
  );

  app.post(
    '/photos/:id/delete',
    { schema: { params: photoIdParams, body: formBody }, preHandler: context.csrf },
    async (request, reply) => {
      await deletePhoto(context, request, (request.params as { id: string }).id);
      if (wantsJson(request)) return reply.send({ deleted: true });
      return redirect(reply, '/?deleted=1');
    },
  );
};

/** Votes per client address: with one vote per visitor per photo, this bounds how fast cookies can be minted. */
export function correctionRateLimit(context: AppContext): { max: number; timeWindow: number } {
  return { max: context.settings.correctionsPerMinute, timeWindow: 60_000 };
}

export function mayDelete(context: AppContext, request: FastifyRequest, photo: Photo): boolean {
  return (
    context.isAdmin(request) || (request.ownerFromCookie && context.ownerHash(request) === photo.ownerHash)
  );
}

export async function deletePhoto(context: AppContext, request: FastifyRequest, id: string): Promise<void> {
  const photo = await context.service.get(id);
  if (!mayDelete(context, request, photo)) throw new NotAllowedError('delete this photo');
  await context.service.delete(photo);
}
