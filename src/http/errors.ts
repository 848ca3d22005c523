import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes every HTTP surface (app and server) shares; Fastify's own errors are answered with these too. */
export const httpErrorCodes = {
  GG_ERR_BAD_REQUEST: { status: 400, summary: 'the request is malformed or fails its schema' },
  GG_ERR_UNAUTHORIZED: { status: 401, summary: 'the admin token is missing or wrong' },
  GG_ERR_ADMIN_DISABLED: { status: 403, summary: 'admin calls are off: no admin token is configured' },
  GG_ERR_FORBIDDEN: { status: 403, summary: 'the caller may not do this' },
  GG_ERR_NOT_FOUND: { status: 404, summary: 'no page, route or resource at this address' },
  GG_ERR_METHOD: { status: 405, summary: 'the route does not take this method' },
  GG_ERR_TIMEOUT: { status: 408, summary: 'the request did not arrive in time' },
  GG_ERR_BODY_TOO_LARGE: { status: 413, summary: 'the body is over the limit' },
  GG_ERR_CONTENT_TYPE: { status: 415, summary: 'the body has a media type this route does not take' },
  GG_ERR_RATE_LIMIT: { status: 429, summary: 'too many requests from this address; retry after Retry-After' },
  GG_ERR_INTERNAL: { status: 500, summary: 'a bug: the details are in the log under the request id' },
  GG_ERR_UNAVAILABLE: { status: 503, summary: 'the service cannot answer now; retry after Retry-After' },
} as const satisfies ErrorCatalogue;

export type HttpErrorCode = keyof typeof httpErrorCodes;

/** An HTTP-level error with a code of the shared catalogue. */
export class HttpError extends codedErrorBase(httpErrorCodes) {}

export class NotFoundError extends HttpError {
  constructor(what: string) {
    super('GG_ERR_NOT_FOUND', `${what} not found`);
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string) {
    super('GG_ERR_BAD_REQUEST', message);
  }
}

/** An admin call without the right bearer token, or with admin calls switched off. */
export class AdminRequiredError extends HttpError {
  constructor(configured: boolean) {
    super(
      configured ? 'GG_ERR_UNAUTHORIZED' : 'GG_ERR_ADMIN_DISABLED',
      configured
        ? 'this needs the admin token (Authorization: Bearer <token>)'
        : 'admin calls are disabled: no admin token is configured',
    );
  }
}
