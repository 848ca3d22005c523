import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ownerCookie = 'gg_owner';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
});

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token of a visitor: an HMAC of their owner cookie. A page from another site cannot read the cookie,
 * so it cannot compute the token a form must carry.
 */
export function csrfToken(secret: string, owner: string): string {
  return createHmac('sha256', secret).update(`csrf:${owner}`).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, Math.max(0, eq)).trim();
    if (eq < 0 || name === '') continue;
    const value = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // A malformed cookie from another app on the same host is not ours to fail on.
    }
  }
  return out;
}

export function ownerCookieHeader(token: string, secure: boolean): string {
  return `${ownerCookie}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000${secure ? '; Secure' : ''}`;
}

export const validOwnerToken = /^[A-Za-z0-9_-]{32}$/;
