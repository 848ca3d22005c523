import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { addBufferBodyParser, BadRequestError, HttpError } from '../http/index.js';
import { admitBeforeBody, classifyOne, type ServerContext } from './context.js';

const scoreSchema = {
  type: 'object',
  properties: { category: { type: 'string' }, confidence: { type: 'number' } },
} as const;

const predictResponse = {
  type: 'object',
  properties: {
    category: { type: 'string' },
    confidence: { type: 'number' },
    top: { type: 'array', items: scoreSchema },
    model: { type: 'string' },
    version: { type: 'integer' },
    timings: {
      type: 'object',
      properties: {
        decode_ms: { type: 'number' },
        queue_ms: { type: 'number' },
        infer_ms: { type: 'number' },
      },
    },
  },
} as const;

/** `POST /predict`: the photo as the raw body (image/*, application/octet-stream) or as a multipart file. */
export function predictRoute(context: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const limit = context.recipe.serving.max_body_bytes;
    await app.register(multipart, { limits: { fileSize: limit, files: 1, fields: 10 } });
    addBufferBodyParser(app, /^(application\/octet-stream|image\/)/, limit);
    app.post(
      '/predict',
      { onRequest: admitBeforeBody(context), schema: { response: { 200: predictResponse } } },
      async (request) => {
        let bytes: Uint8Array;
        if (request.isMultipart()) {
          const file = await request.file();
          if (!file)
            throw new BadRequestError('multipart body has no file part; send the photo as a file field');
          const buffer = await file.toBuffer();
          if (file.file.truncated)
            throw new HttpError('GG_ERR_BODY_TOO_LARGE', `photo is larger than ${limit} bytes`);
          bytes = buffer;
        } else {
          if (!Buffer.isBuffer(request.body))
            throw new HttpError(
              'GG_ERR_CONTENT_TYPE',
              'send the photo as image/*, application/octet-stream or multipart',
            );
          bytes = request.body;
        }
        if (bytes.length === 0) throw new BadRequestError('empty body: send a JPEG, PNG or WebP photo');
        return classifyOne(context, { kind: 'image', bytes }, request);
      },
    );
  };
}
