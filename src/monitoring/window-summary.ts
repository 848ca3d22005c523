import { percentile } from './alert-rules.js';
import type { PredictionRecord } from './prediction-record.js';

/** The plain numbers of one window of serving predictions, for the dashboard's charts. */
export interface WindowSummary {
  readonly start: string;
  readonly end: string;
  readonly n: number;
  /** Uploads per hour over the window's span. */
  readonly perHour: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Predicted photos per class, in `classes` order. */
  readonly classCounts: readonly number[];
  readonly meanConfidence: number;
  /** Share of predictions under 50 % confidence: more likely wrong than right (app-context's lowConfidence). */
  readonly lowConfidenceShare: number;
  readonly corrected: number;
  /**
   * 1 − corrected / n: an upper bound on accuracy from user feedback (people correct some mistakes, not all),
   * shown beside the label-free estimate and the model card's measured accuracy, never instead of them.
   */
  readonly feedbackAccuracy: number;
}

/** Summaries of consecutive windows of `size` serving predictions (a trailing partial window is left out). */
export function windowSummaries(
  records: readonly PredictionRecord[],
  size: number,
  corrections: ReadonlyMap<string, string>,
  classes: readonly string[],
): WindowSummary[] {
  const out: WindowSummary[] = [];
  for (let start = 0; start + size <= records.length; start += size) {
    const rows = records.slice(start, start + size);
    const first = Date.parse(rows[0]!.time);
    const last = Date.parse(rows.at(-1)!.time);
    const latencies = rows.map((r) => r.latency_ms);
    const corrected = rows.filter((r) => r.photo_id !== null && corrections.has(r.photo_id)).length;
    out.push({
      start: rows[0]!.time,
      end: rows.at(-1)!.time,
      n: rows.length,
      // A burst inside one second is reported per second's worth, not as infinity.
      perHour: (rows.length * 3_600_000) / Math.max(1000, last - first),
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
      },
      classCounts: classes.map((c) => rows.filter((r) => r.category === c).length),
      meanConfidence: rows.reduce((sum, r) => sum + r.confidence, 0) / rows.length,
      lowConfidenceShare: rows.filter((r) => r.confidence < 0.5).length / rows.length,
      corrected,
      feedbackAccuracy: 1 - corrected / rows.length,
    });
  }
  return out;
}
