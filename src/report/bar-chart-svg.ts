import { colourBlindSafe, niceCeiling, roundTicks as ticks } from './chart-style.js';
import { escapeMarkup } from './markup.js';

/** One bar: a value, an optional interval drawn as a whisker, and its own colour. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly low?: number;
  readonly high?: number;
  readonly color?: string;
  /** Text printed after the bar; defaults to the value with the chart's formatter. */
  readonly valueText?: string;
}

export interface BarChartOptions {
  readonly bars: readonly Bar[];
  /** Axis title with its unit, e.g. "top-1 accuracy (%)". */
  readonly axisLabel: string;
  /** Which way is better, printed beside the axis title. */
  readonly better: 'higher' | 'lower';
  readonly width?: number;
  readonly format?: (value: number) => string;
  /** Axis range; the minimum defaults to 0 so bar lengths compare honestly. */
  readonly min?: number;
  readonly max?: number;
  /** A vertical reference line (a goal or a floor). */
  readonly reference?: { readonly value: number; readonly label: string };
}

const rowHeight = 30;
const charWidth = 7.4; // 13 px sans-serif, generous so labels never clip

/** Horizontal bars with whiskers, value labels, an axis with ticks and the better direction. */
export function barChartSvg(options: BarChartOptions): string {
  const width = options.width ?? 640;
  const format = options.format ?? ((v: number) => v.toFixed(1));
  const labelW = Math.ceil(Math.max(...options.bars.map((b) => b.label.length), 4) * charWidth) + 12;
  const valueW = Math.ceil(
    Math.max(...options.bars.map((b) => (b.valueText ?? format(b.value)).length), 4) * charWidth + 16,
  );
  const left = labelW;
  const plotW = width - left - valueW;
  const top = 8;
  const plotH = options.bars.length * rowHeight;
  const height = top + plotH + 52;
  const highs = options.bars.map((b) => b.high ?? b.value);
  const min = options.min ?? 0;
  const max = options.max ?? niceCeiling(Math.max(...highs, options.reference?.value ?? 0, min + 1e-9));
  const x = (v: number) => left + ((Math.min(Math.max(v, min), max) - min) / (max - min)) * plotW;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#fff"/>`];
  for (const tick of ticks(min, max)) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${top + plotH}" stroke="#e3e3e3"/>`,
      label(x(tick), top + plotH + 16, format(tick), 'middle', 12, '#444'),
    );
  }
  options.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const color = bar.color ?? colourBlindSafe[i % colourBlindSafe.length];
    parts.push(
      label(left - 8, y + rowHeight / 2 + 4, bar.label, 'end', 13, '#222'),
      `<rect x="${x(min)}" y="${y + 6}" width="${Math.max(x(bar.value) - x(min), 1)}" height="${rowHeight - 12}" fill="${color}"/>`,
    );
    if (bar.low !== undefined && bar.high !== undefined) {
      const cy = y + rowHeight / 2;
      parts.push(
        `<path d="M${x(bar.low)} ${cy}H${x(bar.high)}M${x(bar.low)} ${cy - 6}V${cy + 6}M${x(bar.high)} ${cy - 6}V${cy + 6}" stroke="#222" stroke-width="1.5" fill="none"/>`,
      );
    }
    const end = Math.max(x(bar.value), bar.high !== undefined ? x(bar.high) : 0);
    parts.push(
      label(end + 6, y + rowHeight / 2 + 4, bar.valueText ?? format(bar.value), 'start', 13, '#222'),
    );
  });
  if (options.reference) {
    const rx = x(options.reference.value);
    parts.push(
      `<line x1="${rx}" y1="${top - 4}" x2="${rx}" y2="${top + plotH + 4}" stroke="#D55E00" stroke-dasharray="5 3" stroke-width="1.5"/>`,
      label(rx, top + plotH + 30, options.reference.label, 'middle', 11, '#D55E00'),
    );
  }
  const arrow = options.better === 'higher' ? '→ better' : '← better';
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#222"/>`,
    label(left + plotW / 2, height - 6, `${options.axisLabel}   (${arrow})`, 'middle', 12, '#222'),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

function label(x: number, y: number, text: string, anchor: string, size: number, fill: string): string {
  return `<text x="${x}" y="${y}" text-anchor="${anchor}" font-size="${size}" fill="${fill}">${escapeMarkup(text)}</text>`;
}
