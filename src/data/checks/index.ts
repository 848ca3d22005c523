export {
  type GroupProfile,
  imbalanceRatio,
  type MeasuredImage,
  profileBy,
  type Summary,
  summarise,
} from './distribution.js';
export {
  type DuplicateCandidate,
  type DuplicateEvidence,
  type DuplicatePair,
  type DuplicateThresholds,
  type DuplicateVerdict,
  defaultDuplicateThresholds,
  duplicateClusters,
  duplicateVerdict,
  findDuplicatePairs,
  l2Normalise,
  mergeGroupsByPairs,
} from './duplicates.js';
export { type EmbedFilesOptions, embedFiles } from './embed-files.js';
export { type FactsResult, type ImageFacts, readAllImageFacts, readImageFacts } from './image-facts.js';
export {
  confidentLearning,
  type FitPredict,
  groupKFold,
  outOfFoldProbabilities,
  type SuspectedLabelError,
} from './label-errors.js';
export {
  differenceHash,
  hammingDistance,
  hashFromHex,
  hashToHex,
  type PerceptualHash,
  perceptualHash,
} from './perceptual-hash.js';
export {
  type DataCheckOptions,
  type DataCheckReport,
  defaultDataCheckOptions,
  type FilePair,
  type LabelIssue,
  runDataCheck,
  softmaxFitPredict,
} from './run-data-check.js';
export { type ProbeRow, type ProbeScore, probeSource, type SourceProbe } from './source-probe.js';
