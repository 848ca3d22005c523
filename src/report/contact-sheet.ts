import sharp, { type OverlayOptions } from 'sharp';
import { escapeMarkup } from './markup.js';

export interface ContactTile {
  /** A file path or encoded image bytes. */
  readonly image: string | Uint8Array;
  /** Caption lines under the thumbnail (the first in bold). */
  readonly lines: readonly string[];
}

export interface ContactSheetOptions {
  readonly columns: number;
  /** Thumbnail side in pixels. */
  readonly tile: number;
  readonly quality: number;
  readonly title?: string;
}

export const defaultContactSheetOptions: ContactSheetOptions = Object.freeze({
  columns: 6,
  tile: 150,
  quality: 72,
});

const lineHeight = 14;
const gap = 6;

/**
 * A grid of thumbnails with captions as one JPEG, made with sharp's composite; the captions are SVG text.
 * An image that cannot be decoded becomes a grey tile with its captions, so one bad file never hides the rest.
 *
 * @example
 * const jpeg = await renderContactSheet([{ image: 'a.jpg', lines: ['Bread → Dessert', 'p=0.91'] }]);
 */
export async function renderContactSheet(
  tiles: readonly ContactTile[],
  options: Partial<ContactSheetOptions> = {},
): Promise<Buffer> {
  const { columns, tile, quality, title } = { ...defaultContactSheetOptions, ...options };
  if (!(columns >= 1 && tile >= 16))
    throw new Error(`bug: contact sheet needs columns ≥ 1 and tile ≥ 16, got ${columns}, ${tile}`);
  const lines = Math.max(1, ...tiles.map((t) => t.lines.length));
  const cellWidth = tile + gap;
  const cellHeight = tile + lines * lineHeight + gap * 2;
  const header = title ? 28 : 0;
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const width = columns * cellWidth + gap;
  const height = header + rows * cellHeight + gap;
  const layers: OverlayOptions[] = [];
  const thumbnails = await Promise.all(tiles.map((t) => thumbnail(t.image, tile)));
  thumbnails.forEach((input, i) => {
    const left = gap + (i % columns) * cellWidth;
    const top = header + gap + Math.floor(i / columns) * cellHeight;
    layers.push({ input, left, top });
  });
  const text = tiles
    .map((t, i) => {
      const x = gap + (i % columns) * cellWidth;
      const y = header + gap + Math.floor(i / columns) * cellHeight + tile + lineHeight;
      return t.lines
        .map((line, l) => {
          const weight = l === 0 ? ' font-weight="bold"' : '';
          return `<text x="${x}" y="${y + l * lineHeight}"${weight}>${escapeMarkup(clip(line, tile))}</text>`;
        })
        .join('');
    })
    .join('');
  const heading = title
    ? `<text x="${gap}" y="20" font-size="16" font-weight="bold">${escapeMarkup(title)}</text>`
    : '';
  layers.push({
    input: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="sans-serif" font-size="11" fill="#222">${heading}${text}</g></svg>`,
    ),
    left: 0,
    top: 0,
  });
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(layers)
    .jpeg({ quality, mozjpeg: true })
    .toBuffer();
}

async function thumbnail(image: string | Uint8Array, side: number): Promise<Buffer> {
  try {
    return await sharp(image).rotate().resize(side, side, { fit: 'cover' }).removeAlpha().toBuffer();
  } catch {
    return sharp({ create: { width: side, height: side, channels: 3, background: '#999999' } })
      .png()
      .toBuffer();
  }
}

/** Keeps a caption inside its tile (≈ 6 px per character at 11 px sans-serif). */
function clip(line: string, tile: number): string {
  const max = Math.floor(tile / 6);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
