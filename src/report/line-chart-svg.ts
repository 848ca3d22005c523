import { colourBlindSafe, niceCeiling } from './chart-style.js';
import { escapeMarkup } from './markup.js';

/**
 * A small dependency-free SVG line chart: several named series over a shared x axis, with axes, ticks, a legend
 * and an optional horizontal reference line (a target). Charts can be stacked into one SVG with {@link stackSvg}.
 */
export interface LineSeries {
  readonly name: string;
  /** [x, y] pairs; a null y breaks the line (no data there). */
  readonly points: readonly (readonly [number, number | null])[];
  readonly color?: string;
  /** [x, low, high]: a shaded range drawn under the line (e.g. the spread inside each bin). */
  readonly band?: readonly (readonly [number, number, number])[];
  /** An SVG dash pattern ("6 4"), so a line drawn over another of the same values leaves it visible. */
  readonly dash?: string;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly LineSeries[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** Formats x tick labels (e.g. seconds → "08:00"). */
  readonly formatX?: (x: number) => string;
  readonly xTicks?: readonly number[];
  /** Log scale on y (values ≤ 0 are left out). */
  readonly logY?: boolean;
  readonly reference?: { readonly y: number; readonly label: string };
}

const palette = colourBlindSafe;
// The right margin leaves room for the last x tick's label ("24:00") centred on the plot's edge.
const margin = { left: 64, right: 30, top: 34, bottom: 62 };

/** The chart's size and its data-to-pixel mapping. */
interface Frame {
  readonly width: number;
  readonly height: number;
  readonly plotW: number;
  readonly plotH: number;
  /** Axis ends, in log10 units on a log scale. */
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly px: (x: number) => number;
  readonly py: (y: number) => number;
  /** Whether a y value can be drawn (finite, and positive on a log scale). */
  readonly drawable: (y: number | null) => y is number;
}

/** One chart as a complete `<svg>` document. */
export function lineChartSvg(options: LineChartOptions): string {
  const frame = frameOf(options);
  const parts = [
    `<rect width="${frame.width}" height="${frame.height}" fill="#fff"/>`,
    text(margin.left, 20, options.title, 'start', 14, 'bold'),
    ...axes(options, frame),
    ...options.series.flatMap((series, i) => seriesMarks(series, i, frame)),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}" viewBox="0 0 ${frame.width} ${frame.height}">${parts.join('')}</svg>\n`;
}

function frameOf(options: LineChartOptions): Frame {
  const width = options.width ?? 900;
  const height = options.height ?? 320;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const drawable = (y: number | null): y is number =>
    y !== null && Number.isFinite(y) && (!options.logY || y > 0);
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map(([x]) => x);
  const yv = [
    ...all.map(([, y]) => y),
    ...options.series.flatMap((s) => (s.band ?? []).flatMap(([, low, high]) => [low, high])),
  ].filter(drawable);
  if (options.reference) yv.push(options.reference.y);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, xMin + 1);
  const tf = (y: number) => (options.logY ? Math.log10(y) : y);
  let yMin = options.logY ? tf(Math.min(...yv, 1)) : Math.min(0, ...yv);
  let yMax = Math.max(...yv.map(tf), yMin + 1);
  if (options.logY) {
    yMin = Math.floor(yMin);
    yMax = Math.ceil(yMax);
  } else yMax = niceCeiling(yMax);
  const px = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number) => margin.top + plotH - ((tf(y) - yMin) / (yMax - yMin)) * plotH;
  return { width, height, plotW, plotH, xMin, xMax, yMin, yMax, px, py, drawable };
}

/** Grid, ticks, the plot's box, both axis titles and the reference line. */
function axes(options: LineChartOptions, frame: Frame): string[] {
  const { width, height, plotW, plotH, xMin, xMax, yMin, yMax, px, py } = frame;
  const parts: string[] = [];
  // y ticks: five linear steps, or one per decade on a log scale.
  const yTicks = options.logY
    ? Array.from({ length: yMax - yMin + 1 }, (_, i) => 10 ** (yMin + i))
    : Array.from({ length: 6 }, (_, i) => yMin + ((yMax - yMin) * i) / 5);
  for (const y of yTicks) {
    const yPos = py(y);
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${f(yPos)}" y2="${f(yPos)}" stroke="#e5e5e5"/>`,
      text(margin.left - 6, yPos + 4, formatNumber(y), 'end', 11),
    );
  }
  const xTicks = options.xTicks ?? Array.from({ length: 7 }, (_, i) => xMin + ((xMax - xMin) * i) / 6);
  for (const x of xTicks) {
    const label = options.formatX ? options.formatX(x) : formatNumber(x);
    parts.push(
      `<line x1="${f(px(x))}" x2="${f(px(x))}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 4}" stroke="#333"/>`,
      text(px(x), margin.top + plotH + 17, label, 'middle', 11),
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    text(margin.left + plotW / 2, height - 26, options.xLabel, 'middle', 12),
    `<text transform="translate(16 ${f(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12" font-family="sans-serif">${escapeMarkup(options.yLabel)}</text>`,
  );
  if (options.reference) {
    const y = py(options.reference.y);
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${f(y)}" y2="${f(y)}" stroke="#555" stroke-dasharray="6 4"/>`,
      text(width - margin.right - 4, y - 4, options.reference.label, 'end', 11),
    );
  }
  return parts;
}

/** A series' band, its line (broken where a value cannot be drawn) and its legend entry. */
function seriesMarks(series: LineSeries, i: number, frame: Frame): string[] {
  const { height, px, py, drawable } = frame;
  const color = series.color ?? palette[i % palette.length]!;
  const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : '';
  const parts: string[] = [];
  if (series.band?.length) {
    const upper = series.band.map(([x, , high]) => `${f(px(x))},${f(py(high))}`);
    const lower = series.band.map(([x, low]) => `${f(px(x))},${f(py(low))}`).reverse();
    parts.push(
      `<polygon fill="${color}" fill-opacity="0.18" stroke="none" points="${[...upper, ...lower].join(' ')}"/>`,
    );
  }
  const segments: string[][] = [[]];
  for (const [x, y] of series.points) {
    if (drawable(y)) segments[segments.length - 1]!.push(`${f(px(x))},${f(py(y))}`);
    else if (segments[segments.length - 1]!.length) segments.push([]);
  }
  for (const segment of segments)
    if (segment.length)
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${segment.join(' ')}"/>`,
      );
  const lx = margin.left + i * 190;
  parts.push(
    `<line x1="${lx}" x2="${lx + 18}" y1="${height - 8}" y2="${height - 8}" stroke="${color}" stroke-width="3"${dash}/>`,
    text(lx + 24, height - 4, series.name, 'start', 11),
  );
  return parts;
}

/** Stacks complete SVG documents vertically into one. */
export function stackSvg(svgs: readonly string[]): string {
  let y = 0;
  let width = 0;
  const inner = svgs.map((svg) => {
    const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
    const h = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
    const placed = svg.trim().replace('<svg ', `<svg x="0" y="${y}" `);
    y += h;
    width = Math.max(width, w);
    return placed;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">${inner.join('')}</svg>\n`;
}

function text(
  x: number,
  y: number,
  content: string,
  anchor: string,
  size: number,
  weight = 'normal',
): string {
  return `<text x="${f(x)}" y="${f(y)}" text-anchor="${anchor}" font-size="${size}" font-weight="${weight}" font-family="sans-serif">${escapeMarkup(content)}</text>`;
}

function f(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function formatNumber(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 1000 || Math.abs(n) < 0.01) return n.toPrecision(2);
  return String(Number(n.toPrecision(3)));
}

/**
 * Means over bins of `binSize` x units, with each bin's minimum and maximum as a band: a day of per-minute
 * samples reads as a line with its spread instead of a sawtooth that hides the other series.
 */
export function binnedSeries(
  points: readonly (readonly [number, number])[],
  binSize: number,
): { points: [number, number][]; band: [number, number, number][] } {
  const bins = new Map<number, number[]>();
  for (const [x, y] of points) {
    const key = Math.floor(x / binSize);
    const bin = bins.get(key) ?? [];
    bin.push(y);
    bins.set(key, bin);
  }
  const out = { points: [] as [number, number][], band: [] as [number, number, number][] };
  for (const [key, values] of [...bins].sort((a, b) => a[0] - b[0])) {
    const x = (key + 0.5) * binSize;
    out.points.push([x, values.reduce((a, b) => a + b, 0) / values.length]);
    out.band.push([x, Math.min(...values), Math.max(...values)]);
  }
  return out;
}
