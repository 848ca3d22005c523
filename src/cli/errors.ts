import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of the command line. */
export const cliErrorCodes = {
  GG_ERR_USAGE: { status: 400, summary: 'a flag or argument the verb does not take; exits 2 with its usage' },
} as const satisfies ErrorCatalogue;

/** A mistake in the command line: `main` prints it with the verb's usage and exits 2. */
export class UsageError extends codedErrorBase(cliErrorCodes) {
  /** The verb's usage, attached by the verb scaffold. */
  usage: string | undefined;
  constructor(message: string) {
    super('GG_ERR_USAGE', message);
  }
}
