import { escapeMarkup } from './markup.js';
import { type ParetoPoint, paretoFront } from './pareto.js';

export interface ParetoChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly points: readonly ParetoPoint[];
  /** Whether lower (latency) or higher (throughput) values on the x axis are better. */
  readonly better: 'min' | 'max';
}

/** A scatter of accuracy against latency or throughput, with its Pareto front drawn as a step line and labelled. */
export function paretoSvg(options: ParetoChartOptions): string {
  const width = 640;
  const height = 400;
  const m = { left: 60, right: 20, top: 36, bottom: 48 };
  const points = options.points.filter((p) => Number.isFinite(p.accuracy) && Number.isFinite(p.other));
  const front = paretoFront(points, options.better);
  const xs = points.map((p) => p.other);
  const ys = points.map((p) => p.accuracy * 100);
  const [xLow, x1] = padRange(Math.min(...xs, 0), Math.max(...xs, 1));
  // Latency and throughput are never negative: the axis starts at zero rather than at the padding.
  const x0 = Math.max(0, xLow);
  const [y0, y1] = padRange(Math.min(...ys, 100), Math.max(...ys, 0));
  const sx = (v: number) => m.left + ((v - x0) / (x1 - x0)) * (width - m.left - m.right);
  const sy = (v: number) => height - m.bottom - ((v - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const ticks = (a: number, b: number) => Array.from({ length: 5 }, (_, i) => a + ((b - a) * i) / 4);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeMarkup(options.title)}</text>`,
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="#333"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="#333"/>`,
    ...ticks(x0, x1).map(
      (v) =>
        `<text x="${sx(v).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle">${v.toFixed(v < 10 ? 1 : 0)}</text>`,
    ),
    ...ticks(y0, y1).map(
      (v) => `<text x="${m.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(1)}</text>`,
    ),
    `<text x="${width / 2}" y="${height - 10}" text-anchor="middle">${escapeMarkup(options.xLabel)}</text>`,
    `<text transform="translate(16 ${height / 2}) rotate(-90)" text-anchor="middle">validation top-1 %</text>`,
  ];
  if (front.length > 1) {
    const path = front
      .map((p, i) => `${i ? 'L' : 'M'}${sx(p.other).toFixed(1)} ${sy(p.accuracy * 100).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="#d62728" stroke-width="1.5"/>`);
  }
  for (const p of points) {
    const onFront = front.includes(p);
    const x = sx(p.other).toFixed(1);
    const y = sy(p.accuracy * 100).toFixed(1);
    parts.push(
      `<circle cx="${x}" cy="${y}" r="${onFront ? 4.5 : 3}" fill="${onFront ? '#d62728' : '#1f77b4'}"><title>${escapeMarkup(`${p.label}: ${(p.accuracy * 100).toFixed(1)}%, ${p.other.toFixed(1)}`)}</title></circle>`,
    );
    // A label near the right edge runs leftwards from its point, so it is never cut off.
    const leftwards = Number(x) > width - m.right - 160;
    if (onFront)
      parts.push(
        `<text x="${(Number(x) + (leftwards ? -6 : 6)).toFixed(1)}" y="${(Number(y) - 6).toFixed(1)}" fill="#333"${leftwards ? ' text-anchor="end"' : ''}>${escapeMarkup(p.label)}</text>`,
      );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function padRange(lo: number, hi: number): [number, number] {
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * 0.08, hi + span * 0.08];
}
