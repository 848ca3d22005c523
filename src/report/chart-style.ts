/** What every chart of the project shares: a colour-blind-safe palette and round axis ends. */

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const colourBlindSafe = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
] as const;

/** 1, 2, 2.5 or 5 times a power of ten at or above n: axis ends people read easily. */
export function niceCeiling(n: number): number {
  if (n <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= n) return m * step;
  return 10 * step;
}

/** About five ticks on 1/2/2.5/5 × 10^k steps: 0, 50, 100 … rather than 63.75. */
export function roundTicks(min: number, max: number): number[] {
  const raw = (max - min) / 5 || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}
