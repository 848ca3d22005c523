import { codedErrorBase, type ErrorCatalogue } from '../../core/index.js';

/** Codes the deck can fail with. */
export const deckErrorCodes = {
  GG_ERR_DECK_NO_CHROMIUM: { status: 500, summary: 'no Chromium to lay the deck out and print it' },
  GG_ERR_DECK_NO_RESULTS: { status: 500, summary: 'not one slide could be made from the results folder' },
} as const satisfies ErrorCatalogue;

export type DeckErrorCode = keyof typeof deckErrorCodes;

export class DeckError extends codedErrorBase(deckErrorCodes) {}
