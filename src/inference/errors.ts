import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of classification: admission, workers, models, tensors and remote servers. */
export const inferenceErrorCodes = {
  GG_ERR_OVERLOADED: { status: 429, summary: 'the bounded queue is full; retry after Retry-After' },
  GG_ERR_DEADLINE: {
    status: 503,
    summary: 'dropped before compute: it could not finish before its deadline',
  },
  GG_ERR_WORKER_CRASHED: { status: 503, summary: 'the worker thread computing the request died; retry' },
  GG_ERR_CLOSED: { status: 503, summary: 'the classifier is shutting down' },
  GG_ERR_ABORTED: { status: 499, summary: 'the client went away before the answer' },
  GG_ERR_MODEL_LOAD: { status: 503, summary: 'a model could not be loaded (missing, corrupt, wrong shape)' },
  GG_ERR_MODEL_OUTPUT: { status: 500, summary: 'a model without the outputs we serve (a bug in packaging)' },
  GG_ERR_TENSOR_SHAPE: { status: 400, summary: 'a tensor input of the wrong shape or element count' },
  GG_ERR_OIP_REQUEST: { status: 400, summary: 'a malformed Open Inference Protocol request' },
  GG_ERR_REMOTE: { status: 502, summary: "a remote OIP server's error (its status is kept) or no answer" },
  GG_ERR_INFERENCE: { status: 500, summary: 'inference failed in a worker for an unexpected reason' },
  GG_ERR_CLASSIFIER_CONFIG: { status: 500, summary: 'a classifier asked for without what it needs' },
} as const satisfies ErrorCatalogue;

export type InferenceErrorCode = keyof typeof inferenceErrorCodes;

/** Errors of classification. Each has a code of `inferenceErrorCodes`; 429/503 carry `retryAfterSeconds`. */
export class InferenceError extends codedErrorBase(inferenceErrorCodes) {}

/** The bounded queue is full: shed the request at once rather than let every request get slow. */
export class OverloadedError extends InferenceError {
  constructor(queued: number, retryAfterSeconds = 1, status: 429 | 503 = 429) {
    super('GG_ERR_OVERLOADED', `server is at capacity (${queued} requests queued); retry later`, {
      retryAfterSeconds,
      status,
    });
  }
}

/** The request could not finish before its deadline, so it was dropped before it was computed. */
export class DeadlineExceededError extends InferenceError {
  constructor(waitedMs: number) {
    super(
      'GG_ERR_DEADLINE',
      `request dropped after ${Math.round(waitedMs)} ms: it could not finish in time`,
      {
        retryAfterSeconds: 1,
      },
    );
  }
}

/** The worker thread computing the request died; the pool replaces it. */
export class WorkerCrashedError extends InferenceError {
  constructor(reason: string) {
    super('GG_ERR_WORKER_CRASHED', `inference worker died (${reason}); retry`, { retryAfterSeconds: 1 });
  }
}

/** The classifier is closed or draining and takes no new work. */
export class ClassifierClosedError extends InferenceError {
  constructor() {
    super('GG_ERR_CLOSED', 'classifier is shutting down', { retryAfterSeconds: 1 });
  }
}

/** The request was aborted by its caller (the client went away). */
export class RequestAbortedError extends InferenceError {
  constructor() {
    super('GG_ERR_ABORTED', 'request aborted by the client');
  }
}

/** A model could not be loaded (missing, corrupt, or of the wrong shape). */
export class ModelLoadError extends InferenceError {
  constructor(what: string, reason: string, cause?: unknown) {
    super('GG_ERR_MODEL_LOAD', `cannot load model ${what}: ${reason}`, { cause, retryAfterSeconds: 5 });
  }
}

/** A bad tensor input: wrong shape or element count. */
export class TensorShapeError extends InferenceError {
  constructor(message: string) {
    super('GG_ERR_TENSOR_SHAPE', message);
  }
}

/** A malformed inference request: the server answers 400 with the message. */
export class OipRequestError extends InferenceError {
  constructor(message: string) {
    super('GG_ERR_OIP_REQUEST', message);
  }
}

/** A remote Open Inference Protocol server answered with an error or could not be reached. */
export class RemoteInferenceError extends InferenceError {
  constructor(status: number, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super('GG_ERR_REMOTE', message, { ...options, status });
  }
}
