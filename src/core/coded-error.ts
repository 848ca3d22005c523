/** One entry of a domain's error catalogue: the HTTP status a server answers with, and what the code means. */
export interface ErrorCodeInfo {
  readonly status: number;
  readonly summary: string;
}

/**
 * A domain's list of the codes it throws (each domain's errors.ts exports one). Codes are stable: clients and
 * alerts match on them, so a code is never reused for another meaning.
 */
export type ErrorCatalogue = Readonly<Record<`GG_ERR_${string}`, ErrorCodeInfo>>;

export interface CodedErrorOptions {
  readonly cause?: unknown;
  /** Seconds a client should wait before retrying (429 and 503 answers send it as `Retry-After`). */
  readonly retryAfterSeconds?: number | undefined;
}

/**
 * The base of the errors a domain throws on purpose: a stable `code` (GG_ERR_…) from the domain's catalogue,
 * the HTTP status a server answers with, and the original error in `cause`. Each domain's errors.ts extends it.
 */
export class CodedError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(code: string, statusCode: number, message: string, options?: CodedErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/**
 * Makes a domain's base error class whose constructor takes a code of its catalogue and looks its status up
 * there, so a status is written once. `status` overrides it where one code has two answers (a remote server's).
 */
export function codedErrorBase<C extends ErrorCatalogue>(catalogue: C) {
  return class extends CodedError {
    constructor(
      code: keyof C & string,
      message: string,
      options?: CodedErrorOptions & { readonly status?: number },
    ) {
      super(code, options?.status ?? (catalogue[code] as ErrorCodeInfo).status, message, options);
    }
  };
}
