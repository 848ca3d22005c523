export {
  type BackboneRowsInput,
  backboneCombinations,
  backboneRows,
  probeTraining,
  sliceBackbones,
  studyBackbones,
  studyPeer,
  timingPhotos,
} from './backbone-steps.js';
export { type BackboneStudyOptions, runBackboneStudy } from './backbone-study.js';
export { StudyError, studyErrorCodes } from './errors.js';
export { type HeadCvStudyOptions, type HeadCvStudyResult, runHeadCvStudy } from './head-cv-study.js';
export {
  embedItems,
  type HeadKind,
  headProbabilities,
  type ModelContext,
  type ModelVariant,
  scores,
  type Timing,
  type TimingOptions,
  timeGraph,
  timeOnPhotos,
  trainingSet,
  variantGraph,
  variantLabel,
} from './model-steps.js';
export { runStudy, type StudyOptions } from './run-study.js';
export { type ServingVariant, servingVariants, timeServing } from './serving-steps.js';
export type { BackboneStudyResult, StudyPeerRow, StudyResult, StudyRow } from './study-result.js';
