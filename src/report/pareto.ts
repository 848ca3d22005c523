/** A configuration measured on two axes: an accuracy to maximise and a cost (or a speed) on the other axis. */
export interface ParetoPoint {
  readonly label: string;
  readonly accuracy: number;
  readonly other: number;
}

/**
 * The points no other point beats on both axes: higher accuracy and a lower `other` (latency) when
 * `other` is 'min', a higher one (throughput) when 'max'. Returned sorted by `other`, best accuracy first on ties.
 *
 * @example
 * paretoFront([{ label: 'a', accuracy: 0.9, other: 20 }, { label: 'b', accuracy: 0.8, other: 30 }], 'min') // [a]
 */
export function paretoFront(points: readonly ParetoPoint[], other: 'min' | 'max'): ParetoPoint[] {
  const better = (a: number, b: number) => (other === 'min' ? a < b : a > b);
  const dominated = (p: ParetoPoint) =>
    points.some(
      (q) =>
        q !== p &&
        q.accuracy >= p.accuracy &&
        (q.other === p.other || better(q.other, p.other)) &&
        (q.accuracy > p.accuracy || better(q.other, p.other)),
    );
  return points
    .filter((p) => Number.isFinite(p.accuracy) && Number.isFinite(p.other) && !dominated(p))
    .sort((a, b) => (other === 'min' ? a.other - b.other : b.other - a.other) || b.accuracy - a.accuracy);
}
