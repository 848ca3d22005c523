import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { CsrfError, RateLimitedError } from './errors.js';
import {
  contentSecurityPolicyDirectives,
  csrfCookie,
  hstsHeader,
  isSafeMethod,
  newToken,
  ownerCookie,
  validOwnerToken,
} from './security.js';

export interface SecurityOptions {
  /** Binds CSRF tokens to the owner token (HMAC key); replicas behind one balancer must share it. */
  readonly secret: string;
  /** `auto`: Secure when the request came over HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy). */
  readonly secureCookies: boolean | 'auto';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The visitor's owner token from the cookie, or one issued on this GET; '' on a write without the cookie. */
    owner: string;
    /** Whether the owner cookie came with the request: only then can the request act for the visitor. */
    ownerFromCookie: boolean;
  }
}

const year = 365 * 24 * 3600;

/**
 * Cookies, CSRF, rate limits, security headers and form bodies, all from the maintained Fastify plugins. What
 * stays ours: the owner cookie (a capability, not a session: no session store to run) and the rule that cookies
 * are only ever issued on GET, so a cross-site POST can never replace a visitor's owner cookie.
 */
export async function registerSecurity(app: FastifyInstance, options: SecurityOptions): Promise<void> {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secureCookies,
  };
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...contentSecurityPolicyDirectives } },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // Only meaningful over TLS, and a browser ignores it over plain HTTP anyway; sent below when HTTPS.
    strictTransportSecurity: false,
  });
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookie,
    cookieOpts: { ...cookieOptions, maxAge: year },
    getUserInfo: (request: FastifyRequest) => request.owner,
    csrfOpts: { hmacKey: options.secret },
  });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  // Limits are per route (config.rateLimit); the key is request.ip, which honours Fastify's trustProxy.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
  });

  app.decorateRequest('owner', '');
  app.decorateRequest('ownerFromCookie', false);
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', hstsHeader);
    const token = request.cookies[ownerCookie];
    if (token && validOwnerToken.test(token)) {
      request.owner = token;
      request.ownerFromCookie = true;
    } else if (isSafeMethod(request.method)) {
      request.owner = newToken();
      reply.setCookie(ownerCookie, request.owner, { ...cookieOptions, maxAge: year });
    }
  });
}

/**
 * The form token for a page, bound to the owner. Issues the CSRF secret cookie only on GET: a page rendered in
 * answer to a write (an error page after a POST) gets no token rather than a fresh cookie.
 */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply): string {
  if (!request.owner) return '';
  if (!isSafeMethod(request.method) && !request.cookies[csrfCookie]) return '';
  return reply.generateCsrf({ userInfo: request.owner });
}

/**
 * preHandler for every write a visitor makes: a valid token (form field `_csrf` or header `x-csrf-token`) and
 * the owner cookie it was issued for. Admin-token requests carry no ambient authority and skip it.
 */
export function requireCsrf(isAdmin: (request: FastifyRequest) => boolean): preHandlerHookHandler {
  return function (this: FastifyInstance, request, reply, done) {
    if (isAdmin(request)) return done();
    if (!request.ownerFromCookie) return done(new CsrfError());
    return this.csrfProtection(request, reply, done);
  };
}
