import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';
import { HttpError } from '../http/index.js';

/** Codes of the web app; the generic HTTP ones (404 page, 401 admin, 429) are in src/http. */
export const appErrorCodes = {
  GG_ERR_PHOTO_NOT_FOUND: { status: 404, summary: 'no photo with that id' },
  GG_ERR_CATEGORY_NOT_FOUND: { status: 404, summary: 'no category with that slug' },
  GG_ERR_UPLOAD: { status: 400, summary: 'the upload is not the form we serve (no photo, several photos)' },
  GG_ERR_UPLOAD_SIZE: { status: 413, summary: "the photo is over the recipe's max_body_bytes" },
  GG_ERR_CSRF: { status: 403, summary: 'the form token is missing, expired or from another site' },
  GG_ERR_NOT_OWNER: { status: 403, summary: "only the photo's owner or an admin may do this" },
  GG_ERR_CATEGORY: { status: 400, summary: "a correction names a class that is not one of the model's" },
  GG_ERR_EXPORT: { status: 409, summary: 'no export folder is configured' },
  GG_ERR_STORAGE: { status: 503, summary: 'the photo store (folder or S3) failed' },
  GG_ERR_DATABASE: { status: 503, summary: 'the database could not be migrated' },
  GG_ERR_DATABASE_UNAVAILABLE: {
    status: 503,
    summary: 'the database cannot be reached; retry in a few seconds',
  },
  GG_ERR_STORAGE_FULL: { status: 507, summary: 'the disk or database is full: new photos cannot be stored' },
} as const satisfies ErrorCatalogue;

/** Errors of the web app. Each has a code of `appErrorCodes` and that code's status. */
export class AppError extends codedErrorBase(appErrorCodes) {}

export class PhotoNotFoundError extends AppError {
  constructor(id: string) {
    super('GG_ERR_PHOTO_NOT_FOUND', `no photo with id '${id}'`);
  }
}

/** The request did not carry the photo, or carried something other than the form we serve. */
export class BadUploadError extends AppError {
  constructor(reason: string) {
    super('GG_ERR_UPLOAD', reason);
  }
}

export class UploadTooLargeError extends AppError {
  constructor(limit: number) {
    super('GG_ERR_UPLOAD_SIZE', `the photo is larger than ${Math.round(limit / 1024 / 1024)} MiB`);
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(
      'GG_ERR_CSRF',
      'the form has expired or did not come from this site; reload the page and try again',
    );
  }
}

export class NotAllowedError extends AppError {
  constructor(what: string) {
    super('GG_ERR_NOT_OWNER', `only the photo's owner or an admin can ${what}`);
  }
}

export class RateLimitedError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super('GG_ERR_RATE_LIMIT', `too many requests from your address; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}

export class UnknownCategoryError extends AppError {
  constructor(category: string) {
    super('GG_ERR_CATEGORY', `'${category}' is not one of the model's categories`);
  }
}

export class CategoryNotFoundError extends AppError {
  constructor(slug: string) {
    super('GG_ERR_CATEGORY_NOT_FOUND', `there is no category '${slug}'`);
  }
}

/** The database cannot be reached (restart, failover, network): the request may succeed in a few seconds. */
export class DatabaseUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('GG_ERR_DATABASE_UNAVAILABLE', 'the database is unavailable; try again in a few seconds', {
      cause,
      retryAfterSeconds: 5,
    });
  }
}

/** The disk or database is full: new photos cannot be stored until space is freed. */
export class StorageFullError extends AppError {
  constructor(cause: unknown) {
    super('GG_ERR_STORAGE_FULL', 'storage is full; new photos cannot be stored right now', { cause });
  }
}
