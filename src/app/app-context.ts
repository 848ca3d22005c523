import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AdminRequiredError, type ServerLimits } from '../http/index.js';
import type { Classifier, ModelSource } from '../inference/index.js';
import type { MonitorSettings, Reference, ScheduleSettings } from '../monitoring/index.js';
import type { DecodeLimits } from '../vision/index.js';
import type { BlobStore } from './blob-store.js';
import { adminVoter } from './correction-votes.js';
import type { DatabaseHandle } from './database.js';
import type { ImageSizes } from './photo-image.js';
import type { PhotoService } from './photo-service.js';
import { hashToken, safeEqual } from './security.js';
import { csrfTokenFor, requireCsrf } from './security-plugins.js';
import { categorySlug, type PageContext } from './views/layout.js';

/**
 * What the browser guessed for a photo, next to what the server answered: kept for monitoring how often the
 * two agree, never as the photo's category (a client can send anything).
 */
export interface EdgeGuess {
  readonly photoId: string;
  readonly serverCategory: string;
  readonly serverModel: string;
  readonly serverVersion: number;
  readonly category: string;
  readonly confidence: number;
  readonly elapsedMs: number;
  readonly model: string;
  readonly version: number;
}

// Filled in by the edge routes; declared here with the options that carry it, so this file needs nothing from
// edge/ (which builds on it).
export type EdgeGuessSink = (guess: EdgeGuess, request: FastifyRequest) => void | Promise<void>;

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
  /** Uploads per client address per minute (@fastify/rate-limit, a fixed one-minute window). */
  readonly uploadsPerMinute?: number;
  /** Correction votes per client address per minute. */
  readonly correctionsPerMinute?: number;
  /**
   * How many visitors must agree on a category before it replaces the prediction for everyone. The photo's
   * owner decides alone (it is their photo); one visitor has one vote per photo.
   */
  readonly correctionQuorum?: number;
  /**
   * Below this confidence a photo page says the model is not sure. The heads are temperature-calibrated (their
   * ECE is in results/<recipe>/eval-test.json), so confidence reads as the chance of being right: under 0.5 a
   * guess is more likely wrong than right.
   */
  readonly lowConfidence?: number;
  readonly pageSize?: number;
  /** Secure cookies: always, never, or `auto` (when the request came over HTTPS, as a trusted proxy says). */
  readonly secureCookies?: boolean | 'auto';
  /** Where admin folder exports go. */
  readonly exportDir?: string | undefined;
  readonly logger?: boolean | { readonly level: string; readonly stream?: NodeJS.WritableStream };
  /** Fastify's trustProxy: true (any), or the proxies' addresses/CIDRs (comma-separated) whose X-Forwarded-* to believe. */
  readonly trustProxy?: boolean | string;
  readonly now?: () => Date;
  /** Timeouts and the connection cap of the HTTP server (src/http); Node's defaults when absent. */
  readonly limits?: ServerLimits;
  /** Drift references of the model versions served (projection seeds, the dashboard's baseline). */
  readonly references?: readonly Reference[];
  /** Prediction-log rows older than this many days are deleted (at start, then hourly). */
  readonly logRetentionDays?: number;
  /** Names this app's pending blob rows for start-up recovery; one per data folder (random when absent). */
  readonly instanceId?: string;
  /**
   * The model the browser may run itself (in-browser classification while the photo uploads); none = the
   * server classifies alone. It must be the classifier's own model, or the two would disagree by design.
   */
  readonly edgeModel?: ModelSource | undefined;
  /** Where the browser's guesses go, beside the server's answer (a log line by default). */
  readonly onEdgeGuess?: EdgeGuessSink;
  /**
   * Shadow mode: a candidate model version that classifies every upload after the serving answer went out,
   * logged (role `shadow`) and compared on the dashboard, never shown. The caller creates and closes it.
   */
  readonly shadow?: Classifier | undefined;
  /** Drift windows and the alert schedule (src/monitoring's defaults when absent). */
  readonly monitoring?: {
    readonly drift?: Partial<MonitorSettings>;
    readonly schedule?: Partial<ScheduleSettings>;
  };
}

export const appDefaults = {
  maxUploadBytes: 20 * 1024 * 1024,
  uploadsPerMinute: 20,
  correctionsPerMinute: 10,
  correctionQuorum: 3,
  lowConfidence: 0.5,
  pageSize: 24,
  secureCookies: 'auto',
  logger: false,
  trustProxy: false,
  logRetentionDays: 90,
} as const satisfies Partial<AppOptions>;

/** State shared by the route plugins. */
export class AppContext {
  /** preHandler for every visitor write: a valid CSRF token bound to the owner cookie (admins skip it). */
  readonly csrf: preHandlerHookHandler;

  constructor(
    readonly service: PhotoService,
    readonly classifier: Classifier,
    readonly adminToken: string | undefined,
    readonly settings: {
      readonly maxUploadBytes: number;
      readonly lowConfidence: number;
      readonly pageSize: number;
      readonly exportDir: string | undefined;
      readonly uploadsPerMinute: number;
      readonly correctionsPerMinute: number;
      readonly correctionQuorum: number;
      /** In-browser classification is on: pages advertise the edge manifest. */
      readonly edge: boolean;
    },
  ) {
    this.csrf = requireCsrf((request) => this.isAdmin(request));
  }

  get categories(): readonly string[] {
    return this.classifier.info().classes;
  }

  categoryFromSlug(slug: string): string | undefined {
    return this.categories.find((c) => categorySlug(c) === slug);
  }

  pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
    return {
      csrf: csrfTokenFor(request, reply),
      categories: this.categories,
      lowConfidence: this.settings.lowConfidence,
      edgeManifest: this.settings.edge ? '/edge/manifest.json' : undefined,
    };
  }

  ownerHash(request: FastifyRequest): string {
    if (!request.owner) throw new Error('bug: an owner hash was asked for a request without an owner');
    return hashToken(request.owner);
  }

  /** Who a correction vote comes from: the admin, or the visitor's owner token (hashed). */
  voterOf(request: FastifyRequest): string {
    return this.isAdmin(request) ? adminVoter : this.ownerHash(request);
  }

  isAdmin(request: FastifyRequest): boolean {
    const header = request.headers.authorization;
    if (!this.adminToken || !header?.startsWith('Bearer ')) return false;
    return safeEqual(header.slice('Bearer '.length).trim(), this.adminToken);
  }

  requireAdmin(request: FastifyRequest): void {
    if (!this.isAdmin(request)) throw new AdminRequiredError(this.adminToken !== undefined);
  }
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
