export {
  agreement,
  BatchScorer,
  perClassTop1,
  type Transform,
  type TransformName,
  transforms,
} from './behaviour.js';
export {
  type AnalysedExample,
  analyseErrors,
  type ConfusedPair,
  confusedPairs,
  defaultSliceThresholds,
  type ErrorAnalysis,
  type ExampleOutcome,
  type SliceAccuracy,
  type SliceThresholds,
  slicesOf,
} from './error-analysis.js';
export { type ErrorAnalysisOptions, type ErrorAnalysisRun, runErrorAnalysis } from './error-analysis-run.js';
export { wilsonInterval } from './intervals.js';
export {
  argmax,
  type ClassificationReport,
  type ClassMetrics,
  classificationReport,
  groupAccuracy,
  ranked,
} from './metrics.js';
