import type { AccuracyEstimate } from './confidence.js';
import { feedbackTests } from './feedback-tests.js';
import { type PredictionRecord, toObservation } from './prediction-record.js';
import type { Reference } from './reference.js';
import type { MonitorSettings } from './settings.js';
import type { TestResult } from './test-result.js';
import { analyseWindow } from './window-analysis.js';

export interface ReportWindow {
  readonly start: string;
  readonly end: string;
  readonly n: number;
  readonly tests: readonly TestResult[];
  /** The label-free accuracy estimate (assumes no concept drift) beside the reference's. */
  readonly accuracy_estimate: {
    readonly estimate: number;
    readonly low: number;
    readonly high: number;
    readonly reference: number;
  };
}

export interface MonitorReport {
  readonly model: string;
  readonly version: number;
  readonly window: number;
  readonly windows: readonly ReportWindow[];
}

/**
 * Cuts the serving predictions of the reference's model version into windows of `settings.window`
 * consecutive predictions (a trailing partial window is left for the next run) and tests each one; with
 * `corrections` (photo id → first correction time; the app's database has them, a server's log does not) the
 * concept-drift tests of the corrections join them.
 */
export function monitorReport(
  records: readonly PredictionRecord[],
  reference: Reference,
  settings: MonitorSettings,
  corrections?: ReadonlyMap<string, string>,
  cache?: Map<string, ReportWindow>,
): MonitorReport {
  const serving = records.filter(
    (r) => r.role === 'serving' && r.model === reference.model && r.version === reference.version,
  );
  const windows: ReportWindow[] = [];
  for (let start = 0; start + settings.window <= serving.length; start += settings.window) {
    const rows = serving.slice(start, start + settings.window);
    // A window's answer changes only with its rows and the corrections up to its end (the schedule re-reads).
    const key = `${rows[0]!.time}|${rows.at(-1)!.time}|${start}|${correctedUpTo(serving, start + settings.window, corrections)}`;
    const known = cache?.get(key);
    if (known) {
      windows.push(known);
      continue;
    }
    const feedback = corrections
      ? feedbackTests(serving, start, start + settings.window, corrections, reference.classes)
      : [];
    const analysis = analyseWindow(reference, rows.map(toObservation), settings, feedback);
    const window: ReportWindow = {
      start: rows[0]!.time,
      end: rows[rows.length - 1]!.time,
      n: rows.length,
      tests: analysis.tests,
      accuracy_estimate: estimateOf(analysis.accuracy, analysis.referenceAccuracy),
    };
    cache?.set(key, window);
    windows.push(window);
  }
  return { model: reference.model, version: reference.version, window: settings.window, windows };
}

function correctedUpTo(
  serving: readonly PredictionRecord[],
  end: number,
  corrections: ReadonlyMap<string, string> | undefined,
): number {
  if (!corrections) return -1;
  let count = 0;
  for (let i = 0; i < end; i++) if (corrections.has(serving[i]!.photo_id ?? '')) count++;
  return count;
}

function estimateOf(accuracy: AccuracyEstimate, reference: number): ReportWindow['accuracy_estimate'] {
  return { estimate: accuracy.estimate, low: accuracy.low, high: accuracy.high, reference };
}

/** The report as a plain-text table, one block per window. */
export function formatReport(report: MonitorReport): string {
  const lines = [`model ${report.model} v${report.version}, windows of ${report.window} predictions`];
  if (report.windows.length === 0) lines.push('(not enough predictions for one window yet)');
  for (const w of report.windows) {
    const flagged = w.tests.filter((t) => t.drift).map((t) => t.name);
    lines.push(
      '',
      `${w.start} → ${w.end}  n=${w.n}  ${flagged.length ? `DRIFT: ${flagged.join(', ')}` : 'no drift'}`,
      `  label-free accuracy ${pct(w.accuracy_estimate.estimate)} (95 % ${pct(w.accuracy_estimate.low)}–${pct(w.accuracy_estimate.high)}), reference ${pct(w.accuracy_estimate.reference)}`,
      `  ${'test'.padEnd(26)}${'statistic'.padStart(11)}${'p'.padStart(10)}${'effect'.padStart(9)}  verdict`,
      ...w.tests.map(
        (t) =>
          `  ${t.name.padEnd(26)}${t.statistic.toFixed(4).padStart(11)}${(t.p_value === null ? '-' : t.p_value.toPrecision(2)).padStart(10)}${t.effect.toFixed(3).padStart(9)}  ${t.drift ? 'drift' : 'ok'}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
