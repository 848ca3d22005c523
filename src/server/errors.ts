import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of the inference server; the generic HTTP ones (404, 400, 401, 413, 415) are in src/http. */
export const serverErrorCodes = {
  GG_ERR_NOT_READY: { status: 503, summary: 'the model is loading or the server is draining' },
  GG_ERR_NO_TENSOR_INPUT: { status: 400, summary: 'this serving mode takes photos only (BYTES input)' },
  GG_ERR_MODEL_NOT_FOUND: { status: 404, summary: 'no model or version of that name is served here' },
  GG_ERR_LOAD_FAILED: { status: 422, summary: 'loading a model version failed; the old one keeps serving' },
  GG_ERR_REPOSITORY: { status: 400, summary: 'a model repository folder that cannot serve' },
  GG_ERR_LISTEN: {
    status: 500,
    summary: 'the server cannot listen on its address (port taken, no permission)',
  },
} as const satisfies ErrorCatalogue;

/** Errors of the inference server. Each has a code of `serverErrorCodes` and that code's status. */
export class ServerError extends codedErrorBase(serverErrorCodes) {}

/** A model repository folder that cannot serve: missing files, bad description. */
export class RepositoryError extends ServerError {
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('GG_ERR_REPOSITORY', `model repository ${path}: ${reason}`, options);
  }
}

export class ModelNotFoundError extends ServerError {
  constructor(what: string) {
    super('GG_ERR_MODEL_NOT_FOUND', `${what} not found`);
  }
}

/** The address is taken or not ours to bind: the verb exits non-zero instead of hanging on its workers. */
export class ListenError extends ServerError {
  constructor(host: string, port: number, cause: unknown) {
    const reason =
      (cause as { code?: string }).code ?? (cause instanceof Error ? cause.message : String(cause));
    super('GG_ERR_LISTEN', `cannot listen on ${host}:${port} (${reason})`, { cause });
  }
}
