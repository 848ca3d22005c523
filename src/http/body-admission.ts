import type { FastifyReply, FastifyRequest } from 'fastify';

/** A place held by an admitted body until its response ends. */
export interface BodyTicket {
  release(): void;
}

/** Admits a body of (at most) `bytes`, or throws a coded error (429 or 503) when there is no room. */
export type AdmitBody = (bytes: number) => BodyTicket | undefined;

/**
 * Admits a request before its body is read, by the size its headers announce (`limit` when they announce
 * none), so an overloaded service refuses at once and memory is bounded by what it admitted, not by how
 * many clients upload (issue 10). The place is released when the response ends; a refused body is
 * discarded as it arrives ({@link dropTrickle}).
 */
export function admitBody(
  request: FastifyRequest,
  reply: FastifyReply,
  admit: AdmitBody,
  limit: number,
): void {
  const declared = Number(request.headers['content-length']);
  const bytes = Number.isFinite(declared) && declared >= 0 ? declared : limit;
  try {
    const ticket = admit(bytes);
    if (ticket) reply.raw.once('close', () => ticket.release());
  } catch (error) {
    reply.raw.once('finish', () => dropTrickle(request));
    throw error;
  }
}

/**
 * Bytes per second a refused body must average while Node discards it, judged after a grace: far below any
 * real link (a busy server reading thirty large uploads at once was seen to take some under 256 kB/s for a
 * second), far above a trickle. Node's request timeout still ends any body that takes too long in all.
 */
const refusedBodyMinRate = 16 * 1024;
const refusedBodyGraceMs = 2000;

/**
 * After a refusal Node reads and discards the rest of the body, keeping the connection: closing it
 * mid-upload would break the client's write before it reads its 429. A body arriving slower than
 * {@link refusedBodyMinRate} is a trickle holding a socket for nothing, and loses it.
 */
function dropTrickle(request: FastifyRequest): void {
  // Fastify's inject() hands a socket stand-in without destroy(): nothing to cut there.
  const socket = request.raw.socket as { destroy?: () => void; bytesRead?: number } | null;
  if (request.raw.complete || typeof socket?.destroy !== 'function') return;
  const start = socket.bytesRead ?? 0;
  const startedAt = performance.now();
  const timer = setInterval(() => {
    const elapsed = performance.now() - startedAt;
    if (request.raw.complete) clearInterval(timer);
    else if (
      elapsed >= refusedBodyGraceMs &&
      ((socket.bytesRead ?? 0) - start) / (elapsed / 1000) < refusedBodyMinRate
    ) {
      clearInterval(timer);
      socket.destroy?.();
    }
  }, 500);
  timer.unref();
  request.raw.once('close', () => clearInterval(timer));
}
