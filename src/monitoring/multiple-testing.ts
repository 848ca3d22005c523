/**
 * Holm's step-down adjustment: controls the family-wise error rate (the chance of any false flag) like
 * Bonferroni, under any dependence between the tests, and is never less powerful. We want FWER, not the false
 * discovery rate (Benjamini–Hochberg), because a drift verdict is "did anything move": one false dimension is
 * already a false alarm. For that any-verdict Holm and Bonferroni agree (the smallest p times m); Holm's
 * adjusted values are what we show per dimension.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
