import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, EdgeGuessSink } from '../app-context.js';
import { NotAllowedError, UnknownCategoryError } from '../errors.js';
import { photoIdParams } from '../routes/photos.js';
import { type EdgeAssets, type EdgeFile, encodedBodies } from './edge-assets.js';

/** The default sink: one structured log line per guess (the monitoring log can take it from there). */
export const logEdgeGuess: EdgeGuessSink = (guess, request) => {
  request.log.info(
    { edge_guess: { ...guess, agrees: guess.category === guess.serverCategory } },
    'edge guess',
  );
};

const guessBody = {
  type: 'object',
  properties: {
    category: { type: 'string', maxLength: 100 },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    elapsed_ms: { type: 'number', minimum: 0, maximum: 600000 },
    model: { type: 'string', maxLength: 100 },
    version: { type: 'integer', minimum: 0, maximum: 1000000 },
  },
  required: ['category', 'confidence', 'elapsed_ms', 'model', 'version'],
  additionalProperties: false,
} as const;

/**
 * In-browser classification: `GET /edge/manifest.json`, the content-addressed files it lists, and
 * `POST /photos/:id/edge-guess` where the upload page reports what the browser guessed.
 */
export const edgeRoutes: FastifyPluginAsync<{
  context: AppContext;
  assets: EdgeAssets;
  onGuess: EdgeGuessSink;
}> = async (app, { context, assets, onGuess }) => {
  // Compress in the background now, so the first visitor does not wait for brotli.
  for (const file of assets.files.values())
    encodedBodies(file).catch((error: unknown) =>
      app.log.warn({ err: error }, 'edge file compression failed'),
    );

  app.get('/edge/manifest.json', async (_request, reply) =>
    // The manifest names the current files; it must be revalidated, the files it points to never change.
    reply.header('cache-control', 'no-cache').send(assets.manifest),
  );

  app.get(
    '/edge/:hash/:name',
    {
      schema: {
        params: {
          type: 'object',
          properties: {
            hash: { type: 'string', pattern: '^[a-f0-9]{16}$' },
            name: { type: 'string', maxLength: 64 },
          },
          required: ['hash', 'name'],
        },
      },
    },
    async (request, reply) => {
      const { hash, name } = request.params as { hash: string; name: string };
      const file = assets.files.get(`/edge/${hash}/${name}`);
      if (!file) return reply.callNotFound();
      return sendEdgeFile(request, reply, file);
    },
  );

  app.post(
    '/photos/:id/edge-guess',
    { schema: { params: photoIdParams, body: guessBody }, preHandler: context.csrf },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as {
        category: string;
        confidence: number;
        elapsed_ms: number;
        model: string;
        version: number;
      };
      const photo = await context.service.get(id);
      if (!request.ownerFromCookie || context.ownerHash(request) !== photo.ownerHash)
        throw new NotAllowedError('report a guess for this photo');
      if (!context.categories.includes(body.category)) throw new UnknownCategoryError(body.category);
      await onGuess(
        {
          photoId: photo.id,
          serverCategory: photo.predictedCategory,
          serverModel: photo.model,
          serverVersion: photo.modelVersion,
          category: body.category,
          confidence: body.confidence,
          elapsedMs: body.elapsed_ms,
          model: body.model,
          version: body.version,
        },
        request,
      );
      return reply.code(204).send();
    },
  );
};

async function sendEdgeFile(request: FastifyRequest, reply: FastifyReply, file: EdgeFile) {
  reply
    .type(file.type)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .header('etag', `"${file.sha256}"`)
    .header('vary', 'accept-encoding')
    // The bytes are public and the page checks their hash, so any same-site context may load them.
    .header('cross-origin-resource-policy', 'same-origin');
  if (request.headers['if-none-match'] === `"${file.sha256}"`) return reply.code(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
  if (!encoding) return reply.send(file.body);
  const bodies = await encodedBodies(file);
  return reply.header('content-encoding', encoding).send(bodies[encoding]);
}
