import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Classifier } from '../inference/classifier.js';
import type { DecodeLimits } from '../vision/index.js';
import type { BlobStore } from './blob-store.js';
import type { DatabaseHandle } from './database.js';
import { AdminRequiredError, CsrfError } from './errors.js';
import type { ImageSizes } from './photo-image.js';
import type { PhotoService } from './photo-service.js';
import { RateLimiter } from './rate-limiter.js';
import { csrfToken, hashToken, safeEqual } from './security.js';
import { categorySlug, type PageContext } from './views/layout.js';

/** Everything `buildApp` needs; the classifier, database and blob store are made by the caller and injected. */
export interface AppOptions {
  readonly classifier: Classifier;
  readonly database: DatabaseHandle;
  readonly blobs: BlobStore;
  /** Admin actions (exports, deleting any photo) need `Authorization: Bearer <token>`; none = disabled. */
  readonly adminToken?: string | undefined;
  /** Signs CSRF tokens; replicas behind one load balancer must share it. Random per process when absent. */
  readonly secret?: string | undefined;
  readonly maxUploadBytes?: number;
  readonly decodeLimits?: DecodeLimits;
  readonly imageSizes?: ImageSizes;
  readonly uploadsPerMinute?: number;
  readonly uploadBurst?: number;
  /**
   * Below this confidence a photo page says the model is not sure. The heads are temperature-calibrated
   * (food11-latency v3: ECE 0.017 on test), so confidence reads as the chance of being right: on the 788 test
   * photos the 41 under 0.5 were right 42 % of the time (more likely wrong than right), those at 0.5 and over 90 %.
   */
  readonly lowConfidence?: number;
  readonly pageSize?: number;
  /** Set the Secure attribute on cookies (behind HTTPS). */
  readonly secureCookies?: boolean;
  /** Where admin folder exports go. */
  readonly exportDir?: string | undefined;
  readonly logger?: boolean | { readonly level: string };
  readonly trustProxy?: boolean;
  readonly now?: () => Date;
}

export const appDefaults = {
  maxUploadBytes: 20 * 1024 * 1024,
  uploadsPerMinute: 20,
  uploadBurst: 10,
  lowConfidence: 0.5,
  pageSize: 24,
  secureCookies: false,
  logger: false,
  trustProxy: false,
} as const satisfies Partial<AppOptions>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The visitor's owner token (from the cookie, or issued on this request). */
    owner: string;
    /** Whether the owner cookie came with the request: only then can the request ride on ambient authority. */
    ownerFromCookie: boolean;
  }
}

/** State shared by the route plugins. */
export class AppContext {
  readonly uploadLimiter: RateLimiter;

  constructor(
    readonly service: PhotoService,
    readonly classifier: Classifier,
    private readonly secret: string,
    readonly adminToken: string | undefined,
    readonly settings: {
      readonly maxUploadBytes: number;
      readonly lowConfidence: number;
      readonly pageSize: number;
      readonly exportDir: string | undefined;
    },
    uploadsPerMinute: number,
    uploadBurst: number,
  ) {
    this.uploadLimiter = new RateLimiter(uploadsPerMinute, uploadBurst);
  }

  get categories(): readonly string[] {
    return this.classifier.info().classes;
  }

  categoryFromSlug(slug: string): string | undefined {
    return this.categories.find((c) => categorySlug(c) === slug);
  }

  csrfFor(request: FastifyRequest): string {
    return csrfToken(this.secret, request.owner);
  }

  pageContext(request: FastifyRequest): PageContext {
    return { csrf: this.csrfFor(request), categories: this.categories };
  }

  ownerHash(request: FastifyRequest): string {
    return hashToken(request.owner);
  }

  isAdmin(request: FastifyRequest): boolean {
    const header = request.headers.authorization;
    if (!this.adminToken || !header?.startsWith('Bearer ')) return false;
    return safeEqual(header.slice('Bearer '.length).trim(), this.adminToken);
  }

  requireAdmin(request: FastifyRequest): void {
    if (!this.isAdmin(request)) throw new AdminRequiredError(this.adminToken !== undefined);
  }

  /**
   * A request that carried the owner cookie acts with the visitor's authority, so it must prove it came from
   * our own page (form field `_csrf` or header `x-csrf-token`). Admin-token requests carry no ambient authority.
   */
  checkCsrf(request: FastifyRequest, submitted: string | undefined): void {
    if (this.isAdmin(request) || !request.ownerFromCookie) return;
    const token = submitted ?? headerValue(request.headers['x-csrf-token']);
    if (!token || !safeEqual(token, this.csrfFor(request))) throw new CsrfError();
  }
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** JSON for API paths and for clients that ask for it before HTML. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/admin/')) return true;
  const accept = request.headers.accept ?? '';
  const json = accept.indexOf('application/json');
  const htmlAt = accept.indexOf('text/html');
  return json >= 0 && (htmlAt < 0 || json < htmlAt);
}

export function redirect(reply: FastifyReply, url: string): FastifyReply {
  return reply.code(303).header('location', url).send();
}
