/** Five-number-ish summary of a sample, for reports. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly min: number;
  readonly p10: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
}

/** Quantiles by linear interpolation between order statistics (numpy's default). */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: 0, min: 0, p10: 0, median: 0, p90: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    const at = p * (sorted.length - 1);
    const low = Math.floor(at);
    const high = Math.min(sorted.length - 1, low + 1);
    return round(sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low));
  };
  return {
    n: sorted.length,
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    min: sorted[0]!,
    p10: q(0.1),
    median: q(0.5),
    p90: q(0.9),
    max: sorted[sorted.length - 1]!,
  };
}

export interface MeasuredImage {
  readonly label: string;
  readonly source: string;
  readonly split: string;
  readonly width: number;
  readonly height: number;
  readonly brightness: number;
}

export interface GroupProfile {
  readonly key: string;
  readonly count: number;
  readonly by_split: Readonly<Record<string, number>>;
  readonly short_side: Summary;
  readonly brightness: Summary;
}

/** Counts, image size (shorter side) and brightness for each value of `by` (class or source). */
export function profileBy(images: readonly MeasuredImage[], by: 'label' | 'source'): GroupProfile[] {
  const groups = new Map<string, MeasuredImage[]>();
  for (const image of images) groups.set(image[by], [...(groups.get(image[by]) ?? []), image]);
  return [...groups.entries()]
    .map(([key, list]) => {
      const bySplit: Record<string, number> = {};
      for (const image of list) bySplit[image.split] = (bySplit[image.split] ?? 0) + 1;
      return {
        key,
        count: list.length,
        by_split: bySplit,
        short_side: summarise(list.map((i) => Math.min(i.width, i.height))),
        brightness: summarise(list.map((i) => i.brightness)),
      };
    })
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}

/** Largest class count over the smallest (∞ when a class is empty): 1 is perfectly balanced. */
export function imbalanceRatio(counts: readonly number[]): number {
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  return min === 0 ? Number.POSITIVE_INFINITY : round(max / min);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
