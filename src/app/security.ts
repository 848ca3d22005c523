import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The visitor's random owner token: proves they uploaded a photo, so they may delete it. */
export const ownerCookie = 'gg_owner';
/** @fastify/csrf-protection's secret; the form token is derived from it and bound to the owner token. */
export const csrfCookie = 'gg_csrf';

/** Directives for @fastify/helmet; helmet's defaults are off so nothing (upgrade-insecure-requests) sneaks in. */
export const contentSecurityPolicyDirectives: Readonly<Record<string, string[]>> = Object.freeze({
  defaultSrc: ["'self'"],
  // blob: for the upload preview (an object URL of the chosen file, never fetched from anywhere).
  imgSrc: ["'self'", 'data:', 'blob:'],
  styleSrc: ["'self'"],
  // 'wasm-unsafe-eval' lets WebAssembly compile (in-browser classification) and nothing else: no eval().
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
});

/** One year, the value HSTS preload lists ask for. */
export const hstsHeader = 'max-age=31536000; includeSubDomains';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export const validOwnerToken = /^[A-Za-z0-9_-]{32}$/;

/** Methods that change nothing: the only ones that may issue cookies (a cross-site POST must not replace them). */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}
