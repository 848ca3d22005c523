import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CodedError } from '../core/index.js';
import { type HttpErrorCode, httpErrorCodes } from './errors.js';

/** What a failed request is answered with: the body is always `{ error: message, code }`. */
export interface HttpErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Sent as `Retry-After` (whole seconds, at least 1) on 429 and 503. */
  readonly retryAfterSeconds: number | undefined;
}

/**
 * Codes of Fastify and its plugins, mapped to ours so a client sees one vocabulary whichever layer refused.
 * Fastify's own statuses are kept where they are right; multipart's 406 for a non-multipart body is a 415.
 */
const foreignCodes: Readonly<Record<string, HttpErrorCode>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GG_ERR_CONTENT_TYPE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'GG_ERR_CONTENT_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'GG_ERR_BODY_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'GG_ERR_BODY_TOO_LARGE',
  FST_PARTS_LIMIT: 'GG_ERR_BODY_TOO_LARGE',
  FST_FILES_LIMIT: 'GG_ERR_BODY_TOO_LARGE',
  FST_FIELDS_LIMIT: 'GG_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'GG_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GG_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GG_ERR_BAD_REQUEST',
  FST_PROTO_VIOLATION: 'GG_ERR_BAD_REQUEST',
  FST_INVALID_JSON_FIELD_ERROR: 'GG_ERR_BAD_REQUEST',
};

/** For errors that carry only a status (a plugin's, or a library's), the shared code of that status. */
const codeForStatus: Readonly<Record<number, HttpErrorCode>> = {
  400: 'GG_ERR_BAD_REQUEST',
  401: 'GG_ERR_UNAUTHORIZED',
  403: 'GG_ERR_FORBIDDEN',
  404: 'GG_ERR_NOT_FOUND',
  405: 'GG_ERR_METHOD',
  408: 'GG_ERR_TIMEOUT',
  413: 'GG_ERR_BODY_TOO_LARGE',
  415: 'GG_ERR_CONTENT_TYPE',
  429: 'GG_ERR_RATE_LIMIT',
  503: 'GG_ERR_UNAVAILABLE',
};

interface ErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: unknown;
  readonly validationContext?: unknown;
  readonly retryAfterSeconds?: unknown;
}

export interface ErrorAnswerOptions {
  /** More foreign codes (a plugin's) mapped to codes of a domain catalogue, with the status to answer. */
  readonly foreignCodes?: Readonly<Record<string, { readonly code: string; readonly status: number }>>;
}

/**
 * Decides the status, code and message for any thrown value. Our `CodedError`s keep their code and status;
 * Fastify's schema failures are 400, except a malformed path parameter, which names no resource: 404;
 * anything else unexpected is a 500 whose message stays in the log.
 */
export function httpErrorAnswer(thrown: unknown, options: ErrorAnswerOptions = {}): HttpErrorAnswer {
  const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as ErrorLike;
  const message = typeof error.message === 'string' && error.message ? error.message : String(thrown);
  const retry = typeof error.retryAfterSeconds === 'number' ? error.retryAfterSeconds : undefined;
  const status = validStatus(error.statusCode);
  if (thrown instanceof CodedError && status !== undefined)
    return answer(status, thrown.code, message, thrown.retryAfterSeconds);
  if (error.validation !== undefined) {
    if (error.validationContext === 'params')
      return answer(404, 'GG_ERR_NOT_FOUND', 'there is nothing at this address', undefined);
    return answer(400, 'GG_ERR_BAD_REQUEST', message, undefined);
  }
  const code = typeof error.code === 'string' ? error.code : undefined;
  const extra = code === undefined ? undefined : options.foreignCodes?.[code];
  if (extra) return answer(extra.status, extra.code, message, retry);
  const foreign = code === undefined ? undefined : foreignCodes[code];
  if (foreign) return answer(httpErrorCodes[foreign].status, foreign, message, retry);
  if (status !== undefined && status < 500) {
    const shared = codeForStatus[status];
    return shared
      ? answer(status, shared, message, retry)
      : answer(400, 'GG_ERR_BAD_REQUEST', message, retry);
  }
  if (status === 503) return answer(503, 'GG_ERR_UNAVAILABLE', message, retry);
  return answer(
    500,
    'GG_ERR_INTERNAL',
    'an unexpected error occurred; it is logged under the request id',
    undefined,
  );
}

function answer(status: number, code: string, message: string, retry: number | undefined): HttpErrorAnswer {
  const retryAfterSeconds = status === 429 || status === 503 ? Math.max(1, Math.ceil(retry ?? 1)) : undefined;
  return { status, code, message, retryAfterSeconds };
}

function validStatus(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 600
    ? value
    : undefined;
}

export interface ErrorHandlerOptions extends ErrorAnswerOptions {
  /** Turns a domain's foreign errors (a driver's, a plugin's) into its coded ones before the mapping. */
  readonly translate?: (error: unknown) => unknown;
  /**
   * Sends the answer in another shape (the app's HTML page for browsers); returns undefined to send the
   * JSON body. Either way the status and Retry-After are already set.
   */
  readonly render?: (
    request: FastifyRequest,
    reply: FastifyReply,
    answer: HttpErrorAnswer,
  ) => FastifyReply | undefined;
}

/**
 * Installs the one error mapping shared by the app and the inference server: every failed request, thrown
 * or unrouted, is answered `{ error, code }` with its status and, on 429/503, `Retry-After`.
 * Call it before registering route plugins so they inherit it.
 */
export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((thrown, request, reply) => {
    if (request.raw.socket?.destroyed) {
      // The client left (closed the tab, lost the network): nothing to answer and nothing of ours went wrong.
      // This is the request's one log line: Fastify writes no "completed" line for a destroyed socket.
      request.log.info(
        { method: request.method, url: request.url, ip: request.ip, reason: (thrown as Error).message },
        'client closed the connection',
      );
      return reply.code(499).send();
    }
    const error = options.translate ? options.translate(thrown) : thrown;
    const result = httpErrorAnswer(error, options);
    // Our own 5xx (overload, a database outage) are expected states; anything else is a bug with a stack.
    if (result.status >= 500 && error instanceof CodedError)
      request.log.warn({ code: result.code, reason: result.message }, 'request not served');
    else if (result.status >= 500) request.log.error({ err: error }, 'request failed');
    return send(request, reply, result, options);
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      request,
      reply,
      answer(404, 'GG_ERR_NOT_FOUND', `there is nothing at ${request.method} ${request.url}`, undefined),
      options,
    ),
  );
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  result: HttpErrorAnswer,
  options: ErrorHandlerOptions,
): FastifyReply {
  reply.code(result.status);
  if (result.retryAfterSeconds !== undefined) reply.header('retry-after', String(result.retryAfterSeconds));
  return options.render?.(request, reply, result) ?? reply.send({ error: result.message, code: result.code });
}
