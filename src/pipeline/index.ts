export {
  type CorrectionsData,
  capCorrections,
  holdOutCorrections,
  type PromotionDecision,
  type PromotionFigures,
  promotionDecision,
  readCorrectionsExport,
  testTolerance,
} from './corrections-data.js';
export {
  type CrossValidationInput,
  type CrossValidationRow,
  crossValidateHeads,
  groupFolds,
  type HeadVariant,
} from './cross-validation.js';
export { classifyItems, type EvaluationResult, evaluateRecipe } from './evaluate.js';
export {
  type EmbeddedSplit,
  evaluateHead,
  type FitHeadInput,
  type FittedHead,
  fitRecipeHead,
  hyperParameters,
  type SearchRow,
} from './fit-head.js';
export { buildHeadCard, type HeadCardFacts } from './head-card.js';
export {
  cheapHead,
  embeddedAs,
  type LeaveSourceOutOptions,
  type LeaveSourceOutResult,
  leaveSourceOut,
  type PeerFigures,
} from './leave-source-out.js';
export { type LeaveSourceOutFigures, rememberedLeaveSourceOut } from './leave-source-out-cache.js';
export {
  type EmbeddedItem,
  type FoldResult,
  type LeaveSourceOutInput,
  leaveSourceOutOn,
} from './leave-source-out-folds.js';
export { headCardMarkdown } from './model-card.js';
export { type Figures, figuresOf, peerProbabilities } from './peer.js';
export {
  type EmbeddedItems,
  type EmbedderOptions,
  openRecipeEmbedder,
  type RecipeEmbedder,
} from './recipe-embeddings.js';
export { type TrainRecipeOptions, trainRecipeHead } from './train.js';
export { toTrainingSet } from './training-set.js';
