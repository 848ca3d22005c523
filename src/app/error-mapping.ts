import {
  AppError,
  BadUploadError,
  CsrfError,
  DatabaseUnavailableError,
  StorageFullError,
  UploadTooLargeError,
} from './errors.js';

// PostgreSQL SQLSTATEs meaning "not now" rather than "wrong": class 08 (connection exception), 57P01-03
// (admin/crash shutdown, cannot connect now), 53300 (too many connections).
const unavailableSqlStates = /^(08...|57P0[123]|53300)$/;
const unavailableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'SQLITE_BUSY',
]);
// node-postgres reports a dropped or never-made connection in words only.
const unavailableMessages =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection refused|the database system is (starting up|shutting down)/i;
const fullCodes = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/** Whether an error (or its cause) means the database is unreachable for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someInChain(error, (e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    return (
      unavailableSqlStates.test(code) ||
      unavailableErrnos.has(code) ||
      (typeof e.message === 'string' && unavailableMessages.test(e.message))
    );
  });
}

/** Whether an error (or its cause) means the disk or the database is full. */
export function isStorageFull(error: unknown): boolean {
  return someInChain(error, (e) => typeof e.code === 'string' && fullCodes.has(e.code));
}

/**
 * Turns what a plugin, the database driver or the file system threw into one of our coded errors, so each
 * answer has a stable code and none leaks a driver's internals (a SQLSTATE, a file path) in its body.
 */
export function toAppError(error: unknown, maxUploadBytes: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as ErrorLike | null)?.code;
  if (code === 'FST_CSRF_MISSING_SECRET' || code === 'FST_CSRF_INVALID_TOKEN') return new CsrfError();
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new UploadTooLargeError(maxUploadBytes);
  if (code === 'FST_FILES_LIMIT') return new BadUploadError('send one photo at a time');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION')
    return new BadUploadError('the form has more parts than the upload form sends');
  if (isDatabaseUnavailable(error)) return new DatabaseUnavailableError(error);
  if (isStorageFull(error)) return new StorageFullError(error);
  return error;
}

function someInChain(error: unknown, test: (e: ErrorLike) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (test(current as ErrorLike)) return true;
    const inner = current as ErrorLike & { errors?: unknown[] };
    if (
      Array.isArray(inner.errors) &&
      inner.errors.some((e) => e && typeof e === 'object' && test(e as ErrorLike))
    )
      return true;
    current = inner.cause;
  }
  return false;
}
