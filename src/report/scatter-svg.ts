import { niceCeiling, roundTicks as ticks } from './chart-style.js';
import { escapeMarkup } from './markup.js';

export interface ScatterPoint {
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly color: string;
}

export interface ScatterOptions {
  readonly points: readonly ScatterPoint[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** Which way is better on x; y is always "higher is better" here (accuracy). */
  readonly xBetter: 'higher' | 'lower';
  readonly yMin?: number;
  readonly yMax?: number;
  readonly width?: number;
  readonly height?: number;
  readonly format?: (v: number) => string;
}

/** Labelled points on axes from zero (x) with units and the better direction in the axis titles. */
export function scatterSvg(options: ScatterOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 380;
  const m = { left: 62, right: 24, top: 16, bottom: 58 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const xMax = niceCeiling(Math.max(...options.points.map((p) => p.x), 1e-9) * 1.1);
  const yMin = options.yMin ?? Math.floor(Math.min(...options.points.map((p) => p.y)) / 5) * 5;
  const yMax =
    options.yMax ?? Math.min(100, Math.ceil(Math.max(...options.points.map((p) => p.y)) / 5) * 5 + 5);
  const px = (x: number) => m.left + (x / xMax) * plotW;
  const py = (y: number) => m.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const format = options.format ?? ((v: number) => String(v));
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#fff"/>`];
  for (const t of ticks(0, xMax))
    parts.push(
      `<line x1="${px(t)}" y1="${m.top}" x2="${px(t)}" y2="${m.top + plotH}" stroke="#eee"/>`,
      text(px(t), m.top + plotH + 16, format(t), 'middle', 12),
    );
  for (const t of ticks(yMin, yMax))
    parts.push(
      `<line x1="${m.left}" y1="${py(t)}" x2="${m.left + plotW}" y2="${py(t)}" stroke="#eee"/>`,
      text(m.left - 6, py(t) + 4, String(t), 'end', 12),
    );
  parts.push(`<path d="M${m.left} ${m.top}V${m.top + plotH}H${m.left + plotW}" stroke="#222" fill="none"/>`);
  for (const p of options.points) {
    const cx = px(p.x);
    const cy = py(p.y);
    const anchor = cx > m.left + plotW * 0.7 ? 'end' : 'start';
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="7" fill="${p.color}" stroke="#222"/>`,
      text(anchor === 'start' ? cx + 11 : cx - 11, cy - 9, p.label, anchor, 13),
    );
  }
  const arrow = options.xBetter === 'higher' ? '→ better' : '← better';
  parts.push(
    text(m.left + plotW / 2, height - 10, `${options.xLabel}   (${arrow})`, 'middle', 13),
    `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13" fill="#222">${escapeMarkup(`${options.yLabel} (↑ better)`)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

function text(x: number, y: number, value: string, anchor: string, size: number): string {
  return `<text x="${x}" y="${y}" text-anchor="${anchor}" font-size="${size}" fill="#222">${escapeMarkup(value)}</text>`;
}
