export { StudyError, studyErrorCodes } from './errors.js';
export {
  embedItems,
  type HeadKind,
  headProbabilities,
  type ModelContext,
  type ModelVariant,
  scores,
  timeGraph,
  trainingSet,
  variantGraph,
  variantLabel,
} from './model-steps.js';
export { runStudy, type StudyOptions } from './run-study.js';
export { type ServingVariant, servingVariants, timeServing } from './serving-steps.js';
export type { StudyResult, StudyRow } from './study-result.js';
