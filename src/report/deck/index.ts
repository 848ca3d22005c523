export {
  buildDeck,
  composeSlides,
  type DeckOptions,
  type DeckSidecar,
  deckSlides,
  sidecarPath,
} from './build-deck.js';
export { DeckError, type DeckErrorCode, deckErrorCodes } from './errors.js';
export type { OverflowFinding } from './print-deck.js';
export {
  type FigureRecord,
  parseResultFile,
  ResultsSource,
  readField,
  resolveResultFile,
} from './results-source.js';
