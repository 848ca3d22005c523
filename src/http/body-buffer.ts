import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/**
 * Reads a request body into one buffer of the announced length. Fastify's `parseAs: 'buffer'` keeps the
 * chunks and concatenates them at the end, so a 20 MB body briefly costs 40 MB; under a flood of large
 * uploads that doubling alone passed the container's memory limit (issue 10). With a Content-Length the
 * buffer is allocated once and filled in place; without one (chunked), chunks are gathered up to `limit`.
 */
export function readBodyBuffer(payload: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(payload.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    payload.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const known = Number.isFinite(declared) && declared >= 0;
    const target = known ? Buffer.allocUnsafe(declared) : null;
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: Error) => {
      payload.off('data', onData);
      payload.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > (target ? target.length : limit)) {
        fail(
          target
            ? new HttpError('GG_ERR_BAD_REQUEST', 'the body is longer than its Content-Length')
            : tooLarge(limit),
        );
        return;
      }
      if (target) chunk.copy(target, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    payload.on('data', onData);
    payload.once('error', (error) => reject(error));
    payload.once('close', () => {
      if (!payload.complete) reject(new HttpError('GG_ERR_BAD_REQUEST', 'the client closed the request'));
    });
    payload.once('end', () => {
      if (!target) resolve(Buffer.concat(chunks, received));
      else if (received === target.length) resolve(target);
      else reject(new HttpError('GG_ERR_BAD_REQUEST', 'the body is shorter than its Content-Length'));
    });
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError('GG_ERR_BODY_TOO_LARGE', `the body is larger than ${limit} bytes`);
}

/** Registers a content-type parser that hands the route the body as one {@link readBodyBuffer} buffer. */
export function addBufferBodyParser(app: FastifyInstance, contentType: string | RegExp, limit: number): void {
  app.addContentTypeParser(contentType, (_request: FastifyRequest, payload: IncomingMessage) =>
    readBodyBuffer(payload, limit),
  );
}
