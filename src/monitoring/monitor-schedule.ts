import type { Kysely } from 'kysely';
import { type AlertStatus, alertNames, ConditionTracker, percentile, windowAlert } from './alert-rules.js';
import type { AppMetrics } from './app-metrics.js';
import { type MonitorReport, monitorReport, type ReportWindow } from './monitor-report.js';
import type { PredictionRecord } from './prediction-record.js';
import type { Reference } from './reference.js';
import type { MonitorSettings, ScheduleSettings } from './settings.js';
import { compareShadow, type ShadowComparison } from './shadow.js';
import {
  countPredictions,
  type PredictionLogDatabase,
  readCorrections,
  readPredictions,
} from './sql-prediction-log.js';
import { type WindowSummary, windowSummaries } from './window-summary.js';

/** What the newest evaluation found: the dashboard and `/admin/monitoring` show it. */
export interface MonitorSnapshot {
  readonly time: string;
  /** The model version the windows are of; null before any prediction. */
  readonly model: { readonly name: string; readonly version: number } | null;
  /** Why there are no drift tests, when there are none. */
  readonly note: string | null;
  readonly report: MonitorReport | null;
  readonly summaries: readonly WindowSummary[];
  readonly alerts: readonly AlertStatus[];
  readonly referenceAccuracy: { readonly expected: number; readonly measured: number } | null;
  /** The newest shadow (candidate) version against the serving one; null without shadow mode. */
  readonly shadow: ShadowComparison | null;
}

export interface MonitorScheduleOptions {
  readonly db: Kysely<PredictionLogDatabase>;
  readonly references: readonly Reference[];
  readonly drift: MonitorSettings;
  readonly schedule: ScheduleSettings;
  readonly metrics: AppMetrics;
  readonly now?: () => Date;
  readonly onError?: (error: unknown) => void;
}

/**
 * Evaluates drift and the alert rules on a timer, from the prediction log alone: a window is analysed once
 * (cached by its rows and the corrections up to it), so an evaluation with no new window costs two queries.
 */
export class MonitorSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MonitorSnapshot> | undefined;
  private latest: MonitorSnapshot | undefined;
  private readonly cache = new Map<string, ReportWindow>();
  private readonly conditions: ConditionTracker;
  private readonly now: () => Date;
  private lastRequests = { total: 0, errors: 0 };

  constructor(private readonly options: MonitorScheduleOptions) {
    this.conditions = new ConditionTracker(options.schedule.persistence);
    this.now = options.now ?? (() => new Date());
  }

  get snapshot(): MonitorSnapshot | undefined {
    return this.latest;
  }

  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.evaluate().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.schedule.intervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One evaluation now (a second caller while one runs shares it). */
  evaluate(): Promise<MonitorSnapshot> {
    this.running ??= this.evaluateOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async evaluateOnce(): Promise<MonitorSnapshot> {
    const { db, drift, schedule, metrics } = this.options;
    const count = await countPredictions(db, { role: 'serving' });
    const full = Math.floor(count / drift.window);
    const first = Math.max(0, full - schedule.maxWindows);
    const records = await readPredictions(db, {
      role: 'serving',
      offset: first * drift.window,
      limit: (full - first) * drift.window,
    });
    const newest = records.at(-1);
    const reference = newest
      ? this.options.references.find((r) => r.model === newest.model && r.version === newest.version)
      : undefined;
    const corrections = await readCorrections(db);
    let report: MonitorReport | null = null;
    let note: string | null = null;
    if (!newest) note = `fewer than ${drift.window} predictions logged: no full window yet`;
    else if (!reference)
      note = `no drift reference for ${newest.model} v${newest.version} (run gourmetgram monitor reference)`;
    else {
      report = monitorReport(records, reference, drift, corrections, this.cache);
      this.pruneCache(report);
      const latestWindow = report.windows.at(-1);
      if (latestWindow) metrics.setDrift(latestWindow.tests, latestWindow.accuracy_estimate);
    }
    const alerts = [
      ...(['data_drift', 'accuracy_drop', 'correction_rate_rise'] as const).map((name) =>
        windowAlert(name, report?.windows ?? [], schedule.persistence),
      ),
      await this.errorRateAlert(),
      this.latencyAlert(records.slice(-drift.window)),
    ];
    for (const alert of alerts) metrics.setAlert(alert.name, alert.state);
    this.latest = {
      time: this.now().toISOString(),
      model: newest ? { name: newest.model, version: newest.version } : null,
      note,
      report,
      summaries: windowSummaries(records, drift.window, corrections, reference?.classes ?? []),
      alerts: alertNames.map((name) => alerts.find((a) => a.name === name)!),
      referenceAccuracy: reference
        ? { expected: reference.expected_accuracy, measured: reference.measured_accuracy }
        : null,
      shadow: await this.shadowComparison(reference?.classes),
    };
    return this.latest;
  }

  /** The newest shadow answers (as many as the windows hold) against their serving rows. */
  private async shadowComparison(classes: readonly string[] | undefined): Promise<ShadowComparison | null> {
    const { db, drift, schedule } = this.options;
    const count = await countPredictions(db, { role: 'shadow' });
    if (count === 0) return null;
    const limit = schedule.maxWindows * drift.window;
    const shadow = await readPredictions(db, { role: 'shadow', offset: Math.max(0, count - limit), limit });
    // A serving row is stamped before its shadow row (the candidate runs after the answer): an hour covers it.
    const since = new Date(Date.parse(shadow[0]!.time) - 3_600_000).toISOString();
    const serving = await readPredictions(db, { role: 'serving', since });
    const names = classes ?? [...new Set(serving.map((r) => r.category))].sort();
    return compareShadow(serving, shadow, names);
  }

  private pruneCache(report: MonitorReport): void {
    const kept = new Set(report.windows);
    for (const [key, window] of this.cache) if (!kept.has(window)) this.cache.delete(key);
  }

  /** 5xx share of the requests answered since the previous evaluation (read from the app's own counter). */
  private async errorRateAlert(): Promise<AlertStatus> {
    const { metrics, schedule } = this.options;
    const values = (await metrics.requests.get()).values;
    const total = values.reduce((sum, v) => sum + v.value, 0);
    const errors = values.filter((v) => Number(v.labels.code) >= 500).reduce((sum, v) => sum + v.value, 0);
    const interval = { total: total - this.lastRequests.total, errors: errors - this.lastRequests.errors };
    this.lastRequests = { total, errors };
    const rate = interval.total > 0 ? interval.errors / interval.total : 0;
    const failing = interval.total >= schedule.minRequests && rate > schedule.errorRateMax;
    const detail = `${interval.errors} of ${interval.total} requests answered 5xx since the last evaluation (limit ${pct(schedule.errorRateMax)}${interval.total < schedule.minRequests ? `, judged from ${schedule.minRequests}` : ''})`;
    return this.conditions.update('error_rate', failing, detail, this.now());
  }

  private latencyAlert(rows: readonly PredictionRecord[]): AlertStatus {
    const { schedule } = this.options;
    const p99 = percentile(
      rows.map((r) => r.latency_ms),
      99,
    );
    const failing = rows.length > 0 && p99 > schedule.p99TargetMs;
    const detail =
      rows.length === 0
        ? 'no full window yet'
        : `classification p99 ${p99.toFixed(0)} ms over the newest ${rows.length} uploads (target ${schedule.p99TargetMs} ms)`;
    return this.conditions.update('latency_p99', failing, detail, this.now());
  }
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
