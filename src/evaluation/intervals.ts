/**
 * Wilson score interval for a proportion (95 % by default): unlike the normal approximation it stays inside
 * [0, 1] and behaves at 0 or n successes, which held-out sources of a few dozen photos do reach.
 */
export function wilsonInterval(successes: number, n: number, z = 1.959964): readonly [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
