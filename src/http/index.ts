export { type AdmitBody, admitBody, type BodyTicket } from './body-admission.js';
export { addBufferBodyParser, readBodyBuffer } from './body-buffer.js';
export {
  type ErrorAnswerOptions,
  type ErrorHandlerOptions,
  type HttpErrorAnswer,
  httpErrorAnswer,
  installErrorHandler,
} from './error-handler.js';
export {
  AdminRequiredError,
  BadRequestError,
  HttpError,
  type HttpErrorCode,
  httpErrorCodes,
  NotFoundError,
} from './errors.js';
export {
  createHttpMetrics,
  type HttpMetrics,
  metricsRoute,
  observeRequests,
  secondsBuckets,
} from './metrics-registry.js';
export {
  applyConnectionCap,
  defaultServerLimits,
  type FastifyLimitOptions,
  fastifyLimitOptions,
  type ServerLimits,
  serverLimitsSchema,
} from './server-limits.js';
