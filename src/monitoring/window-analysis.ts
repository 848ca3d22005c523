import { seededRandom } from '../core/index.js';
import { classMixTest, psi } from './class-mix.js';
import { type AccuracyEstimate, estimateAccuracy, meanShiftTest } from './confidence.js';
import { domainClassifierTest } from './domain-classifier.js';
import type { FeedbackTest } from './feedback-tests.js';
import type { ImageStats } from './image-stats.js';
import { ksPerDimension, ksTest } from './ks.js';
import { mmdTest } from './mmd.js';
import type { Observation } from './observation.js';
import { type Reference, referenceObservations } from './reference.js';
import type { MonitorSettings } from './settings.js';
import type { TestResult } from './test-result.js';

export interface WindowAnalysis {
  readonly tests: readonly TestResult[];
  readonly accuracy: AccuracyEstimate;
  readonly referenceAccuracy: number;
}

interface RawTest {
  readonly name: string;
  readonly statistic: number;
  readonly p_value: number;
  readonly effect: number;
  /** A flag also needs the effect past this (0: significance alone). */
  readonly minEffect?: number;
}

/**
 * Every drift test of one window against the model's reference. A window's tests are one family: each is
 * judged at alpha / (number of tests) (Bonferroni), so a window where nothing changed shows any flag with
 * probability ≤ alpha whatever the tests' dependence. Tests whose inputs the window lacks (no embedding from a
 * remote engine, no image statistics for tensor inputs) are left out rather than guessed.
 */
export function analyseWindow(
  reference: Reference,
  window: readonly Observation[],
  settings: MonitorSettings,
  feedback: readonly FeedbackTest[] = [],
): WindowAnalysis {
  const referenceRows = referenceObservations(reference);
  const confidences = window.map((o) => o.confidence);
  const accuracy = estimateAccuracy(confidences);
  const referenceAccuracy = estimateAccuracy(reference.rows.confidence).estimate;
  const raw = [
    ...embeddingTests(reference, referenceRows, window, settings),
    ...imageStatisticTests(referenceRows, window),
    ...classMixTests(reference, window, settings),
    ...confidenceTests(reference.rows.confidence, confidences, accuracy, referenceAccuracy),
  ];
  return { tests: judgeFamily(raw, feedback, settings.alpha), accuracy, referenceAccuracy };
}

/** MMD, a domain classifier and per-dimension KS on the embedding projection; needs 10 projected rows. */
function embeddingTests(
  reference: Reference,
  referenceRows: readonly Observation[],
  window: readonly Observation[],
  settings: MonitorSettings,
): RawTest[] {
  const dims = reference.projection.dims;
  const withProjection = window.filter((o) => o.projection?.length === dims);
  if (withProjection.length < 10) return [];
  const x = Float64Array.from(referenceRows.flatMap((o) => o.projection!));
  const y = Float64Array.from(withProjection.flatMap((o) => o.projection!));
  const mmd = mmdTest(x, y, dims, {
    permutations: settings.permutations,
    random: seededRandom(settings.seed),
  });
  const classifier = domainClassifierTest(x, y, dims, { folds: settings.folds, l2: settings.l2 });
  const ks = ksPerDimension(x, y, dims);
  return [
    { name: 'embedding_mmd', statistic: mmd.mmd2, p_value: mmd.pValue, effect: mmd.effect },
    {
      name: 'embedding_classifier_auc',
      statistic: classifier.auc,
      p_value: classifier.pValue,
      effect: classifier.effect,
    },
    { name: 'embedding_ks_holm', statistic: ks.statistic, p_value: ks.pValue, effect: ks.statistic },
  ];
}

/** KS on brightness, sharpness and size; needs 10 rows with image statistics. */
function imageStatisticTests(
  referenceRows: readonly Observation[],
  window: readonly Observation[],
): RawTest[] {
  const measured = window.flatMap((o) => (o.image ? [o.image] : []));
  if (measured.length < 10) return [];
  const images = referenceRows.map((o) => o.image!);
  const stat = (name: string, pick: (s: ImageStats) => number): RawTest => {
    const ks = ksTest(images.map(pick), measured.map(pick));
    return { name, statistic: ks.statistic, p_value: ks.pValue, effect: ks.statistic };
  };
  return [
    stat('image_brightness_ks', (s) => s.brightness),
    stat('image_sharpness_ks', (s) => s.sharpness),
    stat('image_size_ks', (s) => Math.sqrt(s.width * s.height)),
  ];
}

/** Chi-square and PSI on the served classes; PSI also needs its effect past `minPsi` to flag. */
function classMixTests(
  reference: Reference,
  window: readonly Observation[],
  settings: MonitorSettings,
): RawTest[] {
  const counts = reference.classes.map((c) => window.filter((o) => o.category === c).length);
  const mix = classMixTest(reference.class_mix, counts);
  const stability = psi(reference.class_mix, counts);
  return [
    { name: 'class_mix_chi2', statistic: mix.chiSquare, p_value: mix.pValue, effect: mix.cramersV },
    {
      name: 'class_mix_psi',
      statistic: stability.psi,
      p_value: stability.pValue,
      effect: stability.psi,
      minEffect: settings.minPsi,
    },
  ];
}

/** A shift of the mean confidence either way, and a drop of the label-free accuracy estimate. */
function confidenceTests(
  referenceConfidence: readonly number[],
  confidences: readonly number[],
  accuracy: AccuracyEstimate,
  referenceAccuracy: number,
): RawTest[] {
  const shift = meanShiftTest(referenceConfidence, confidences);
  const drop = meanShiftTest(referenceConfidence, confidences, 'less');
  return [
    { name: 'confidence_mean', statistic: shift.difference, p_value: shift.pValue, effect: shift.cohensD },
    {
      name: 'accuracy_estimate',
      statistic: accuracy.estimate,
      p_value: drop.pValue,
      effect: referenceAccuracy - accuracy.estimate,
    },
  ];
}

/** The window's verdicts, the tests judged as one family (Bonferroni, as analyseWindow explains). */
function judgeFamily(
  raw: readonly RawTest[],
  feedback: readonly FeedbackTest[],
  alpha: number,
): TestResult[] {
  // Feedback tests with a p-value join the family; DDM (no p-value) keeps its own rule.
  const level = alpha / (raw.length + feedback.filter((t) => t.p_value !== null).length);
  return [
    ...raw.map(
      (t): TestResult => ({
        name: t.name,
        statistic: t.statistic,
        p_value: t.p_value,
        effect: t.effect,
        drift: t.p_value < level && Math.abs(t.effect) >= (t.minEffect ?? 0),
      }),
    ),
    ...feedback.map(
      (t): TestResult => ({
        name: t.name,
        statistic: t.statistic,
        p_value: t.p_value,
        effect: t.effect,
        drift: t.verdict ?? (t.p_value !== null && t.p_value < level),
      }),
    ),
  ];
}
