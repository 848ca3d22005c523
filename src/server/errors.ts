import { CodedError } from '../core/index.js';

/** Errors of the HTTP layer. Each has a stable `code` and its HTTP `statusCode`. */
export class ServerError extends CodedError {}

export class NotFoundError extends ServerError {
  constructor(what: string) {
    super('GG_ERR_NOT_FOUND', 404, `${what} not found`);
  }
}

export class BadRequestError extends ServerError {
  constructor(message: string) {
    super('GG_ERR_BAD_REQUEST', 400, message);
  }
}

export class UnauthorizedError extends ServerError {
  constructor() {
    super('GG_ERR_UNAUTHORIZED', 401, 'a valid admin token is required (Authorization: Bearer <token>)');
  }
}

/** A model repository folder that cannot serve: missing files, bad description. */
export class RepositoryError extends ServerError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('GG_ERR_REPOSITORY', 400, `model repository ${path}: ${reason}`, options);
  }
}
