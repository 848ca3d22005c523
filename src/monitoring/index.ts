export {
  type AlertName,
  type AlertState,
  type AlertStatus,
  alertNames,
  ConditionTracker,
  percentile,
  windowAlert,
} from './alert-rules.js';
export { type AppMetrics, alertStateValue, createAppMetrics } from './app-metrics.js';
export { buildReference } from './build-reference.js';
export { classMixTest, psi } from './class-mix.js';
export { estimateAccuracy, meanShiftTest } from './confidence.js';
export { correctionRateTest } from './correction-rate.js';
export { Ddm, type DdmState, ddmDefaults } from './ddm.js';
export { domainClassifierTest } from './domain-classifier.js';
export {
  MonitoringError,
  MonitorSettingError,
  monitoringErrorCodes,
  ReferenceInvalidError,
  ReferenceMissingError,
} from './errors.js';
export { type FeedbackTest, feedbackTests } from './feedback-tests.js';
export { heldOutHalf } from './held-out.js';
export { type ImageStats, measureImage } from './image-stats.js';
export { enforceRetention, JsonLinesPredictionLog, readJsonLinesLog } from './jsonl-prediction-log.js';
export { ksPerDimension, ksTest } from './ks.js';
export { mmdTest } from './mmd.js';
export { formatReport, type MonitorReport, monitorReport, type ReportWindow } from './monitor-report.js';
export { MonitorSchedule, type MonitorScheduleOptions, type MonitorSnapshot } from './monitor-schedule.js';
export { holmAdjust } from './multiple-testing.js';
export type { Observation } from './observation.js';
export { type ObservedPhoto, observePhotos } from './observe-photos.js';
export {
  type EdgeGuessInput,
  edgeGuessRecord,
  type PredictionRecord,
  predictionRecord,
  toObservation,
} from './prediction-record.js';
export { RandomProjection } from './projection.js';
export { defaultProjectionSeed, ProjectionRegistry, projectionDims } from './projection-registry.js';
export { loadReference, loadReferences, type Reference, referencePath, saveReference } from './reference.js';
export {
  type AlertSettings,
  type MonitorSettings,
  monitorDefaults,
  monitorSettings,
  type ScheduleSettings,
  scheduleDefaults,
  scheduleSettings,
} from './settings.js';
export {
  compareShadow,
  type ShadowClass,
  type ShadowComparison,
  type ShadowOptions,
  ShadowRunner,
} from './shadow.js';
export { type PhotoShift, photoShifts, shiftPhoto } from './shifts.js';
export {
  appendPrediction,
  asLogDatabase,
  countPredictions,
  type PredictionLogDatabase,
  type PredictionLogTable,
  predictionLogMigration,
  predictionLogRow,
  prunePredictionLog,
  readCorrections,
  readPredictions,
} from './sql-prediction-log.js';
export type { TestResult } from './test-result.js';
export { type Condition, type ConditionResult, validateDetectors } from './validate-detectors.js';
export { analyseWindow, type WindowAnalysis } from './window-analysis.js';
export { type WindowSummary, windowSummaries } from './window-summary.js';
