import type { ReportWindow } from './monitor-report.js';
import type { TestResult } from './test-result.js';

export type AlertState = 'ok' | 'pending' | 'firing';

export const alertNames = [
  'data_drift',
  'accuracy_drop',
  'correction_rate_rise',
  'error_rate',
  'latency_p99',
] as const;
export type AlertName = (typeof alertNames)[number];

export interface AlertStatus {
  readonly name: AlertName;
  readonly state: AlertState;
  /** What the rule looked at, in words (the dashboard shows it). */
  readonly detail: string;
  /** When the condition first held in the current run of evaluations; null while ok. */
  readonly since: string | null;
}

const dataDriftTests = /^(embedding_|image_|class_mix_|confidence_mean)/;

/** Which window tests each drift alert reads. */
const windowRules: Record<
  'data_drift' | 'accuracy_drop' | 'correction_rate_rise',
  (t: TestResult) => boolean
> = {
  data_drift: (t) => dataDriftTests.test(t.name),
  accuracy_drop: (t) => t.name === 'accuracy_estimate',
  correction_rate_rise: (t) => t.name === 'corrections_ddm' || t.name === 'correction_rate',
};

/**
 * A drift alert from the newest windows alone (no hidden state, so every replica and every restart agrees):
 * firing when each of the last `persistence` windows flagged one of the rule's tests, pending when only the
 * newest did. Persistence is what turns a per-window false-alarm rate α into about α^k per alert.
 */
export function windowAlert(
  name: keyof typeof windowRules,
  windows: readonly ReportWindow[],
  persistence: number,
): AlertStatus {
  const flagged = (w: ReportWindow) =>
    w.tests.filter((t) => t.drift && windowRules[name](t)).map((t) => t.name);
  const newest = windows.at(-1);
  if (!newest) return { name, state: 'ok', detail: 'no full window yet', since: null };
  let run = 0;
  while (run < windows.length && flagged(windows[windows.length - 1 - run]!).length > 0) run++;
  const tests = flagged(newest);
  const state: AlertState = run === 0 ? 'ok' : run >= persistence ? 'firing' : 'pending';
  const detail =
    run === 0
      ? `newest window (n=${newest.n}) passes`
      : `${tests.join(', ')} flagged in ${run} consecutive window${run > 1 ? 's' : ''}`;
  return { name, state, detail, since: run === 0 ? null : windows[windows.length - run]!.start };
}

/**
 * Alerts on conditions measured at each evaluation (error rate, p99): pending on the first failing evaluation,
 * firing after `persistence` in a row, ok on the first passing one.
 */
export class ConditionTracker {
  private readonly runs = new Map<AlertName, { count: number; since: string }>();

  constructor(private readonly persistence: number) {}

  update(name: AlertName, failing: boolean, detail: string, now: Date): AlertStatus {
    if (!failing) {
      this.runs.delete(name);
      return { name, state: 'ok', detail, since: null };
    }
    const run = this.runs.get(name) ?? { count: 0, since: now.toISOString() };
    run.count++;
    this.runs.set(name, run);
    return {
      name,
      state: run.count >= this.persistence ? 'firing' : 'pending',
      detail,
      since: run.since,
    };
  }
}

/** The p-th percentile (0–100) by linear interpolation between order statistics. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p / 100) * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}
