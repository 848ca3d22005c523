import { CodedError } from '../core/index.js';

/** Errors of the web app. Each has a stable `code` and the HTTP status the app answers with. */
export class AppError extends CodedError {}

export class PhotoNotFoundError extends AppError {
  constructor(id: string) {
    super('GG_ERR_PHOTO_NOT_FOUND', 404, `no photo with id '${id}'`);
  }
}

/** The request did not carry the photo, or carried something other than the form we serve. */
export class BadUploadError extends AppError {
  constructor(reason: string) {
    super('GG_ERR_UPLOAD', 400, reason);
  }
}

export class UploadTooLargeError extends AppError {
  constructor(limit: number) {
    super('GG_ERR_UPLOAD_SIZE', 413, `the photo is larger than ${Math.round(limit / 1024 / 1024)} MiB`);
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(
      'GG_ERR_CSRF',
      403,
      'the form has expired or did not come from this site; reload the page and try again',
    );
  }
}

export class NotAllowedError extends AppError {
  constructor(what: string) {
    super('GG_ERR_FORBIDDEN', 403, `only the photo's owner or an admin can ${what}`);
  }
}

export class AdminRequiredError extends AppError {
  constructor(configured: boolean) {
    super(
      'GG_ERR_ADMIN',
      configured ? 401 : 403,
      configured
        ? 'this needs the admin token (Authorization: Bearer <token>)'
        : 'admin actions are disabled: no admin token is configured',
    );
  }
}

export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(
      'GG_ERR_RATE_LIMIT',
      429,
      `too many requests from your address; try again in ${retryAfterSeconds} s`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnknownCategoryError extends AppError {
  constructor(category: string) {
    super('GG_ERR_CATEGORY', 400, `'${category}' is not one of the model's categories`);
  }
}

/** The classifier could not take the photo now (queue full, deadline, remote server down). */
export class ClassifierUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('GG_ERR_CLASSIFIER', 503, 'the classifier is busy or unavailable; try again in a moment', {
      cause,
    });
  }
}

export class CategoryNotFoundError extends AppError {
  constructor(slug: string) {
    super('GG_ERR_CATEGORY_NOT_FOUND', 404, `there is no category '${slug}'`);
  }
}

/** The database cannot be reached (restart, failover, network): the request may succeed in a few seconds. */
export class DatabaseUnavailableError extends AppError {
  readonly retryAfterSeconds = 5;
  constructor(cause: unknown) {
    super('GG_ERR_DATABASE_UNAVAILABLE', 503, 'the database is unavailable; try again in a few seconds', {
      cause,
    });
  }
}

/** The disk or database is full: new photos cannot be stored until space is freed. */
export class StorageFullError extends AppError {
  constructor(cause: unknown) {
    super('GG_ERR_STORAGE_FULL', 507, 'storage is full; new photos cannot be stored right now', { cause });
  }
}
