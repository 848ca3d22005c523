import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createHttpMetrics, type HttpMetrics, secondsBuckets } from '../http/index.js';
import type { AlertState } from './alert-rules.js';
import type { PredictionRecord } from './prediction-record.js';
import type { TestResult } from './test-result.js';

const confidenceBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

/** Numeric alert states for a gauge: Prometheus cannot hold strings. */
export const alertStateValue: Readonly<Record<AlertState, number>> = { ok: 0, pending: 1, firing: 2 };

/** The web app's Prometheus metrics: HTTP (shared names with the server), predictions, drift and alerts. */
export interface AppMetrics extends HttpMetrics {
  /** One served classification, as logged. */
  observePrediction(record: PredictionRecord): void;
  /** The tests of the newest analysed window, replacing the previous ones. */
  setDrift(tests: readonly TestResult[], accuracy: { estimate: number; reference: number }): void;
  setAlert(name: string, state: AlertState): void;
  /** A candidate version's answer beside the serving one (never shown): counted by the serving class. */
  observeShadow(servingCategory: string, shadow: PredictionRecord): void;
}

export function createAppMetrics(): AppMetrics {
  const http = createHttpMetrics();
  const registers = [http.registry];
  // Each group registers its metrics as it is made: this order is the order of the /metrics page.
  return {
    ...http,
    ...predictionMetrics(registers),
    ...driftMetrics(registers),
    ...alertMetrics(registers),
    ...shadowMetrics(registers),
  };
}

function predictionMetrics(registers: Registry[]): Pick<AppMetrics, 'observePrediction'> {
  const uploads = new Counter({
    name: 'gourmetgram_uploads_total',
    help: 'Photos uploaded and classified',
    registers,
  });
  const classification = new Histogram({
    name: 'gourmetgram_classification_duration_seconds',
    help: 'Time to classify one uploaded photo (queue, decode, model)',
    buckets: secondsBuckets,
    registers,
  });
  const predictions = new Counter({
    name: 'gourmetgram_predictions_total',
    help: 'Served predictions by predicted class, model and role (serving, shadow)',
    labelNames: ['category', 'model', 'version', 'role'] as const,
    registers,
  });
  const confidence = new Histogram({
    name: 'gourmetgram_prediction_confidence',
    help: 'Confidence (calibrated probability) of the served class',
    buckets: confidenceBuckets,
    registers,
  });
  return {
    observePrediction(record) {
      if (record.role === 'serving') {
        uploads.inc();
        classification.observe(record.latency_ms / 1000);
        confidence.observe(record.confidence);
      }
      predictions.inc({
        category: record.category,
        model: record.model,
        version: String(record.version),
        role: record.role,
      });
    },
  };
}

/** A maker of gauges registered beside the other app metrics. */
function gaugeMaker(registers: Registry[]) {
  return (name: string, help: string, labelNames: readonly string[] = []) =>
    new Gauge({ name, help, labelNames, registers });
}

function driftMetrics(registers: Registry[]): Pick<AppMetrics, 'setDrift'> {
  const gauge = gaugeMaker(registers);
  const statistic = gauge('gourmetgram_drift_statistic', 'Drift test statistic, newest window', ['test']);
  const pValue = gauge('gourmetgram_drift_p_value', 'Drift test p-value, newest window', ['test']);
  const effect = gauge('gourmetgram_drift_effect', 'Drift test effect size, newest window', ['test']);
  const flagged = gauge('gourmetgram_drift_flag', 'Drift test verdict, newest window (1 = drift)', ['test']);
  const accuracy = gauge(
    'gourmetgram_accuracy_estimate',
    'Label-free accuracy estimate (mean confidence of the served class), newest window',
  );
  const referenceAccuracy = gauge(
    'gourmetgram_accuracy_estimate_reference',
    "The same estimate on the model's held-out reference photos",
  );
  return {
    setDrift(tests, estimate) {
      for (const g of [statistic, pValue, effect, flagged]) g.reset();
      for (const t of tests) {
        statistic.set({ test: t.name }, t.statistic);
        if (t.p_value !== null) pValue.set({ test: t.name }, t.p_value);
        effect.set({ test: t.name }, t.effect);
        flagged.set({ test: t.name }, t.drift ? 1 : 0);
      }
      accuracy.set(estimate.estimate);
      referenceAccuracy.set(estimate.reference);
    },
  };
}

function alertMetrics(registers: Registry[]): Pick<AppMetrics, 'setAlert'> {
  const alerts = new Gauge({
    name: 'gourmetgram_alert_state',
    help: 'Alert state: 0 ok, 1 pending, 2 firing',
    labelNames: ['alert'] as const,
    registers,
  });
  return {
    setAlert(name, state) {
      alerts.set({ alert: name }, alertStateValue[state]);
    },
  };
}

function shadowMetrics(registers: Registry[]): Pick<AppMetrics, 'observeShadow'> {
  const shadowLabels = ['category', 'model', 'version'] as const;
  const shadowPredictions = new Counter({
    name: 'gourmetgram_shadow_predictions_total',
    help: "Uploads a shadow (candidate) version also classified, by the serving model's class",
    labelNames: shadowLabels,
    registers,
  });
  const shadowAgreements = new Counter({
    name: 'gourmetgram_shadow_agreements_total',
    help: 'Of those, how many the shadow version put in the same class',
    labelNames: shadowLabels,
    registers,
  });
  return {
    observeShadow(servingCategory, shadow) {
      const labels = { category: servingCategory, model: shadow.model, version: String(shadow.version) };
      shadowPredictions.inc(labels);
      if (shadow.category === servingCategory) shadowAgreements.inc(labels);
    },
  };
}
