import { CodedError } from '../../core/index.js';

/** Codes the deck can fail with. */
export const deckErrorCodes = {
  GG_ERR_DECK_NO_CHROMIUM: 'no Chromium to lay the deck out and print it',
  GG_ERR_DECK_NO_RESULTS: 'not one slide could be made from the results folder',
} as const;

export type DeckErrorCode = keyof typeof deckErrorCodes;

export class DeckError extends CodedError {
  constructor(code: DeckErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, 500, message, options);
  }
}
