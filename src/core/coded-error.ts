/**
 * The base of the errors a domain throws on purpose: a stable `code` (GG_ERR_…), the HTTP status a server
 * answers with, and the original error in `cause`. Each domain's errors.ts extends it.
 */
export class CodedError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(code: string, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
  }
}
