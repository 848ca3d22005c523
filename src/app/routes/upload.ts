import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { admitBody } from '../../http/index.js';
import { type AppContext, redirect, wantsJson } from '../app-context.js';
import { BadUploadError } from '../errors.js';

const uploadResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    category: { type: 'string' },
    confidence: { type: 'number' },
    top: {
      type: 'array',
      items: {
        type: 'object',
        properties: { category: { type: 'string' }, confidence: { type: 'number' } },
        required: ['category', 'confidence'],
      },
    },
    url: { type: 'string' },
    latency_ms: { type: 'number' },
  },
  required: ['id', 'category', 'confidence', 'top', 'url'],
} as const;

/** The form as @fastify/multipart's `keyValues` hands it over: the file as a Buffer, fields as strings. */
interface UploadForm {
  readonly photo?: unknown;
  readonly caption?: unknown;
  readonly _csrf?: unknown;
  readonly [field: string]: unknown;
}

/** POST /upload: multipart field `photo` (and optional `caption`); classified before the answer is sent. */
export const uploadRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  // keyValues puts the file in the body before the CSRF check runs, as the token is a field of the same form.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: context.settings.maxUploadBytes, files: 1, fields: 4, fieldSize: 4096, parts: 6 },
  });

  app.post(
    '/upload',
    {
      schema: { response: { 201: uploadResponse } },
      // Checked on the request line and headers, before the body is read: a flood costs almost nothing.
      config: { rateLimit: { max: context.settings.uploadsPerMinute, timeWindow: 60_000 } },
      onRequest: async (request, reply) => {
        // isMultipart() is only known once the body parser ran; the header is what a client declared.
        if (!/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? ''))
          throw new BadUploadError('send the photo as multipart/form-data in a field named "photo"');
        // The in-process pool refuses a body it has no room for (429) before it is read, as the server does.
        admitBody(
          request,
          reply,
          (bytes) => context.classifier.admit?.(bytes),
          context.settings.maxUploadBytes,
        );
      },
      preHandler: context.csrf,
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as UploadForm;
      for (const [field, value] of Object.entries(form))
        if (Buffer.isBuffer(value) && field !== 'photo')
          throw new BadUploadError(`unexpected file field "${field}"; the photo goes in "photo"`);
      if (!Buffer.isBuffer(form.photo) || form.photo.length === 0)
        throw new BadUploadError('no photo was attached (field "photo")');
      const abort = new AbortController();
      // The response closing before we answered means the client left: stop classifying for nobody.
      reply.raw.once('close', () => {
        if (!reply.sent) abort.abort();
      });
      const photo = await context.service.upload({
        bytes: form.photo,
        caption: typeof form.caption === 'string' ? form.caption : undefined,
        ownerHash: context.ownerHash(request),
        signal: abort.signal,
      });
      const url = `/photos/${photo.id}`;
      if (wantsJson(request))
        return reply.code(201).header('location', url).send({
          id: photo.id,
          category: photo.category,
          confidence: photo.confidence,
          top: photo.top,
          url,
          latency_ms: photo.latencyMs,
        });
      return redirect(reply, url);
    },
  );
};
