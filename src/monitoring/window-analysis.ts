import { seededRandom } from '../core/index.js';
import { classMixTest, psi } from './class-mix.js';
import { type AccuracyEstimate, estimateAccuracy, meanShiftTest } from './confidence.js';
import { domainClassifierTest } from './domain-classifier.js';
import type { FeedbackTest } from './feedback-tests.js';
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
  const raw: RawTest[] = [];
  const withProjection = window.filter((o) => o.projection?.length === reference.projection.dims);
  if (withProjection.length >= 10) {
    const dims = reference.projection.dims;
    const x = Float64Array.from(referenceRows.flatMap((o) => o.projection!));
    const y = Float64Array.from(withProjection.flatMap((o) => o.projection!));
    const mmd = mmdTest(x, y, dims, {
      permutations: settings.permutations,
      random: seededRandom(settings.seed),
    });
    raw.push({ name: 'embedding_mmd', statistic: mmd.mmd2, p_value: mmd.pValue, effect: mmd.effect });
    const classifier = domainClassifierTest(x, y, dims, { folds: settings.folds, l2: settings.l2 });
    raw.push({
      name: 'embedding_classifier_auc',
      statistic: classifier.auc,
      p_value: classifier.pValue,
      effect: classifier.effect,
    });
    const ks = ksPerDimension(x, y, dims);
    raw.push({
      name: 'embedding_ks_holm',
      statistic: ks.statistic,
      p_value: ks.pValue,
      effect: ks.statistic,
    });
  }
  const measured = window.flatMap((o) => (o.image ? [o.image] : []));
  if (measured.length >= 10) {
    const images = referenceRows.map((o) => o.image!);
    const stat = (
      name: string,
      pick: (s: { width: number; height: number; brightness: number; sharpness: number }) => number,
    ) => {
      const ks = ksTest(images.map(pick), measured.map(pick));
      raw.push({ name, statistic: ks.statistic, p_value: ks.pValue, effect: ks.statistic });
    };
    stat('image_brightness_ks', (s) => s.brightness);
    stat('image_sharpness_ks', (s) => s.sharpness);
    stat('image_size_ks', (s) => Math.sqrt(s.width * s.height));
  }
  const classes = reference.classes;
  const counts = classes.map((c) => window.filter((o) => o.category === c).length);
  const mix = classMixTest(reference.class_mix, counts);
  raw.push({ name: 'class_mix_chi2', statistic: mix.chiSquare, p_value: mix.pValue, effect: mix.cramersV });
  const stability = psi(reference.class_mix, counts);
  raw.push({
    name: 'class_mix_psi',
    statistic: stability.psi,
    p_value: stability.pValue,
    effect: stability.psi,
    minEffect: settings.minPsi,
  });
  const referenceConfidence = reference.rows.confidence;
  const confidences = window.map((o) => o.confidence);
  const shift = meanShiftTest(referenceConfidence, confidences);
  raw.push({
    name: 'confidence_mean',
    statistic: shift.difference,
    p_value: shift.pValue,
    effect: shift.cohensD,
  });
  const accuracy = estimateAccuracy(confidences);
  const referenceAccuracy = estimateAccuracy(referenceConfidence).estimate;
  const drop = meanShiftTest(referenceConfidence, confidences, 'less');
  raw.push({
    name: 'accuracy_estimate',
    statistic: accuracy.estimate,
    p_value: drop.pValue,
    effect: referenceAccuracy - accuracy.estimate,
  });
  // Feedback tests with a p-value join the family; DDM (no p-value) keeps its own rule.
  const level = settings.alpha / (raw.length + feedback.filter((t) => t.p_value !== null).length);
  const tests = [
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
  return { tests, accuracy, referenceAccuracy };
}
