import { roundTicks } from './chart-style.js';
import { escapeMarkup } from './markup.js';
/** Minimal SVG charts for the HTML reports: self-contained strings, no scripts, no external fonts. */

export interface StackedBar {
  readonly label: string;
  /** Stacked segments, drawn left to right in `colours` order. */
  readonly values: readonly number[];
}

const palette = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2'];

/** Horizontal (stacked) bars, one row per label, with the total at the end of each bar. */
export function stackedBarChart(
  bars: readonly StackedBar[],
  options: { title: string; legend?: readonly string[]; width?: number },
): string {
  const labelWidth = labelColumn(bars.map((b) => b.label));
  const width = Math.max(options.width ?? 640, labelWidth + 300, titleWidth(options.title));
  const row = 20;
  const top = 30 + (options.legend ? 18 : 0);
  const height = top + bars.length * row + 10;
  const max = Math.max(1, ...bars.map((b) => sum(b.values)));
  const scale = (width - labelWidth - 60) / max;
  const body = bars
    .map((bar, i) => {
      const y = top + i * row;
      let x = labelWidth;
      const segments = bar.values
        .map((v, s) => {
          const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${(v * scale).toFixed(1)}" height="${row - 4}" fill="${palette[s % palette.length]}"/>`;
          x += v * scale;
          return rect;
        })
        .join('');
      return `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escapeMarkup(bar.label)}</text>${segments}<text x="${(x + 4).toFixed(1)}" y="${y + 12}">${format(sum(bar.values))}</text>`;
    })
    .join('');
  const legend = (options.legend ?? [])
    .map(
      (name, s) =>
        `<rect x="${labelWidth + s * 110}" y="26" width="10" height="10" fill="${palette[s % palette.length]}"/><text x="${labelWidth + s * 110 + 14}" y="35">${escapeMarkup(name)}</text>`,
    )
    .join('');
  return svg(
    width,
    height,
    `<text x="4" y="16" font-weight="bold">${escapeMarkup(options.title)}</text>${legend}${body}`,
  );
}

export interface Range {
  readonly label: string;
  readonly low: number;
  readonly mid: number;
  readonly high: number;
}

/** One line per label from `low` to `high` with a tick at `mid` (p10, median, p90) on a shared axis. */
export function rangeChart(
  ranges: readonly Range[],
  options: { title: string; min: number; max: number; width?: number },
): string {
  const labelWidth = labelColumn(ranges.map((r) => r.label));
  const width = Math.max(options.width ?? 640, labelWidth + 300, titleWidth(options.title));
  const row = 18;
  const top = 44;
  const height = top + ranges.length * row + 8;
  const x = (v: number): number =>
    labelWidth + ((v - options.min) / (options.max - options.min || 1)) * (width - labelWidth - 20);
  const axis = roundTicks(options.min, options.max)
    .map(
      (v) =>
        `<line x1="${x(v).toFixed(1)}" y1="30" x2="${x(v).toFixed(1)}" y2="${height - 4}" stroke="#ddd"/><text x="${x(v).toFixed(1)}" y="40" text-anchor="middle" fill="#666">${format(v)}</text>`,
    )
    .join('');
  const body = ranges
    .map((r, i) => {
      const y = top + i * row + 8;
      return `<text x="${labelWidth - 6}" y="${y + 4}" text-anchor="end">${escapeMarkup(r.label)}</text><line x1="${x(r.low).toFixed(1)}" y1="${y}" x2="${x(r.high).toFixed(1)}" y2="${y}" stroke="#4c78a8" stroke-width="6"/><line x1="${x(r.mid).toFixed(1)}" y1="${y - 6}" x2="${x(r.mid).toFixed(1)}" y2="${y + 6}" stroke="#e45756" stroke-width="2"/>`;
    })
    .join('');
  return svg(
    width,
    height,
    `<text x="4" y="16" font-weight="bold">${escapeMarkup(options.title)}</text>${axis}${body}`,
  );
}

/** Wide enough for the longest label at 12 px (≈ 7 px a character), so no label is clipped. */
function labelColumn(labels: readonly string[]): number {
  return Math.ceil(Math.max(8, ...labels.map((l) => l.length)) * 7) + 12;
}

/** The bold 12 px title fits (≈ 7.5 px a character). */
function titleWidth(title: string): number {
  return Math.ceil(title.length * 7.5) + 12;
}

function svg(width: number, height: number, content: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">${content}</svg>`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function format(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
