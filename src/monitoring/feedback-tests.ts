import { correctionRateTest } from './correction-rate.js';
import { Ddm } from './ddm.js';
import type { PredictionRecord } from './prediction-record.js';

/** A test as a window's analysis takes it: a p-value judged with the window's family, or a verdict of its own. */
export interface FeedbackTest {
  readonly name: string;
  readonly statistic: number;
  readonly p_value: number | null;
  readonly effect: number;
  /** Set for tests without a p-value (DDM), whose own rule decides. */
  readonly verdict?: boolean;
}

/**
 * The concept-drift tests of the window `serving[start, end)`, from user corrections (photo id → first
 * correction time):
 * - `corrections_ddm`: DDM over the error stream "this prediction was corrected", fed in time order from the
 *   first prediction to the window's end; statistic = (p + s − p_min) / s_min (1 at the stream's best, DDM
 *   warns at 2, signals at 3); effect = the window's correction rate minus the earlier traffic's.
 * - `correction_rate`: per-class one-sided two-proportion tests of the window against all earlier traffic,
 *   Holm-adjusted across classes (needs earlier traffic: left out for the first window).
 * Corrections arrive after the predictions they fix, so the newest window's rates are low bounds: a rise
 * found there is real, a fall may not be.
 */
export function feedbackTests(
  serving: readonly PredictionRecord[],
  start: number,
  end: number,
  corrected: ReadonlyMap<string, string>,
  classes: readonly string[],
): FeedbackTest[] {
  const isError = (r: PredictionRecord) => r.photo_id !== null && corrected.has(r.photo_id);
  const ddm = new Ddm();
  for (let i = 0; i < end; i++) ddm.update(isError(serving[i]!));
  const rate = (rows: readonly PredictionRecord[]) =>
    rows.length === 0 ? 0 : rows.filter(isError).length / rows.length;
  const window = serving.slice(start, end);
  const earlier = serving.slice(0, start);
  const tests: FeedbackTest[] = [
    {
      name: 'corrections_ddm',
      statistic: ddm.level,
      p_value: null,
      effect: rate(window) - rate(earlier),
      verdict: ddm.state === 'drift',
    },
  ];
  if (earlier.length > 0) {
    const counts = (rows: readonly PredictionRecord[]) =>
      classes.map((c) => {
        const of = rows.filter((r) => r.category === c);
        return { predicted: of.length, corrected: of.filter(isError).length };
      });
    const result = correctionRateTest(counts(window), counts(earlier));
    tests.push({
      name: 'correction_rate',
      statistic: result.statistic,
      p_value: result.pValue,
      effect: result.effect,
    });
  }
  return tests;
}
