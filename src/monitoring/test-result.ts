/**
 * One drift test's answer, the shape `gourmetgram monitor report --json` prints: the statistic, its p-value
 * (null where the test has none), an effect size on a stated scale, and the verdict.
 */
export interface TestResult {
  readonly name: string;
  readonly statistic: number;
  readonly p_value: number | null;
  /** How big the change is, whatever the sample size; each test documents its scale. */
  readonly effect: number;
  readonly drift: boolean;
}
