import { CodedError } from '../core/index.js';

/** Errors of classification. Each has a stable `code` and the HTTP status a server should answer with. */
export class InferenceError extends CodedError {
  /** Seconds a client should wait before retrying, for 429/503 answers. */
  readonly retryAfter: number | undefined;
  constructor(
    code: string,
    statusCode: number,
    message: string,
    options?: { cause?: unknown; retryAfter?: number },
  ) {
    super(code, statusCode, message, options);
    this.retryAfter = options?.retryAfter;
  }
}

/** The bounded queue is full: shed the request at once rather than let every request get slow. */
export class OverloadedError extends InferenceError {
  constructor(queued: number, retryAfter = 1, statusCode: 429 | 503 = 429) {
    super('GG_ERR_OVERLOADED', statusCode, `server is at capacity (${queued} requests queued); retry later`, {
      retryAfter,
    });
  }
}

/** The request could not finish before its deadline, so it was dropped before it was computed. */
export class DeadlineExceededError extends InferenceError {
  constructor(waitedMs: number) {
    super(
      'GG_ERR_DEADLINE',
      503,
      `request dropped after ${Math.round(waitedMs)} ms: it could not finish in time`,
      {
        retryAfter: 1,
      },
    );
  }
}

/** The worker thread computing the request died; the pool replaces it. */
export class WorkerCrashedError extends InferenceError {
  constructor(reason: string) {
    super('GG_ERR_WORKER_CRASHED', 503, `inference worker died (${reason}); retry`, { retryAfter: 1 });
  }
}

/** The classifier is closed or draining and takes no new work. */
export class ClassifierClosedError extends InferenceError {
  constructor() {
    super('GG_ERR_CLOSED', 503, 'classifier is shutting down', { retryAfter: 1 });
  }
}

/** The request was aborted by its caller (the client went away). */
export class RequestAbortedError extends InferenceError {
  constructor() {
    super('GG_ERR_ABORTED', 499, 'request aborted by the client');
  }
}

/** A model could not be loaded (missing, corrupt, or of the wrong shape). */
export class ModelLoadError extends InferenceError {
  constructor(what: string, reason: string, cause?: unknown) {
    super('GG_ERR_MODEL_LOAD', 503, `cannot load model ${what}: ${reason}`, { cause, retryAfter: 5 });
  }
}

/** A bad tensor input: wrong shape or element count. */
export class TensorShapeError extends InferenceError {
  constructor(message: string) {
    super('GG_ERR_TENSOR_SHAPE', 400, message);
  }
}

/** A remote Open Inference Protocol server answered with an error or could not be reached. */
export class RemoteInferenceError extends InferenceError {
  constructor(statusCode: number, message: string, options?: { cause?: unknown; retryAfter?: number }) {
    super('GG_ERR_REMOTE', statusCode, message, options);
  }
}
