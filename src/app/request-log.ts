import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One log line per request, written when it completes (Fastify writes two: incoming and completed). A client
 * that hangs up is the client's business: it is logged at info, without a stack. Errors that are ours are
 * logged once, with their stack, by the app's error handler.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
        ...(error ? { reason: error.message } : {}),
      },
      error || request.raw.socket?.destroyed ? 'request ended: client closed the connection' : 'request',
    );
  }

  override streamError(error: Error, request: FastifyRequest): void {
    request.log.info({ reason: error.message }, 'client closed the connection while the answer was sent');
  }
}
