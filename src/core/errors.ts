import { codedErrorBase, type ErrorCatalogue } from './coded-error.js';

/** Codes of what every layer shares: configuration. */
export const coreErrorCodes = {
  GG_ERR_CONFIG: { status: 400, summary: 'an environment variable whose value fails its schema' },
} as const satisfies ErrorCatalogue;

export class CoreError extends codedErrorBase(coreErrorCodes) {}
