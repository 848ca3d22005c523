import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { type AppContext, redirect, wantsJson } from '../app-context.js';
import { BadUploadError, RateLimitedError, UploadTooLargeError } from '../errors.js';

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

interface UploadForm {
  photo: Buffer | undefined;
  caption: string | undefined;
  csrf: string | undefined;
}

/** POST /upload: multipart field `photo` (and optional `caption`); classified before the answer is sent. */
export const uploadRoutes: FastifyPluginAsync<{ context: AppContext }> = async (app, { context }) => {
  await app.register(multipart, {
    limits: { fileSize: context.settings.maxUploadBytes, files: 1, fields: 4, fieldSize: 4096, parts: 6 },
  });

  app.post(
    '/upload',
    {
      schema: { response: { 201: uploadResponse } },
      // The limit is checked before the body is read, so a flood costs the server almost nothing.
      onRequest: async (request) => {
        const wait = context.uploadLimiter.take(request.ip);
        if (wait > 0) throw new RateLimitedError(wait);
      },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new BadUploadError('send the photo as multipart/form-data in a field named "photo"');
      const form = await readForm(request, context.settings.maxUploadBytes);
      context.checkCsrf(request, form.csrf);
      if (!form.photo || form.photo.length === 0)
        throw new BadUploadError('no photo was attached (field "photo")');
      const abort = new AbortController();
      // The response closing before we answered means the client left: stop classifying for nobody.
      reply.raw.once('close', () => {
        if (!reply.sent) abort.abort();
      });
      const photo = await context.service.upload({
        bytes: form.photo,
        caption: form.caption,
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

async function readForm(request: FastifyRequest, limit: number): Promise<UploadForm> {
  const form: UploadForm = { photo: undefined, caption: undefined, csrf: undefined };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'photo') {
          part.file.resume();
          throw new BadUploadError(`unexpected file field "${part.fieldname}"; the photo goes in "photo"`);
        }
        form.photo = await part.toBuffer();
      } else if (part.fieldname === 'caption' && typeof part.value === 'string') form.caption = part.value;
      else if (part.fieldname === '_csrf' && typeof part.value === 'string') form.csrf = part.value;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadTooLargeError(limit);
    if ((error as { code?: string }).code === 'FST_FILES_LIMIT')
      throw new BadUploadError('send one photo at a time');
    throw error;
  }
  return form;
}
