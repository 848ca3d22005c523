import { UnsupportedImageTypeError } from './errors.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** The MIME type of each accepted format. */
export const imageMimeTypes: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/**
 * Tells the format from the bytes themselves, never from a name or a header a client chose.
 * Returns `undefined` for anything that is not JPEG, PNG or WebP.
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 &&
    bytes[1] === 0x50 &&
    bytes[2] === 0x4e &&
    bytes[3] === 0x47 &&
    bytes[4] === 0x0d &&
    bytes[5] === 0x0a &&
    bytes[6] === 0x1a &&
    bytes[7] === 0x0a
  )
    return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** Like {@link sniffImageFormat}, but throws a typed error naming what was found. */
export function requireImageFormat(bytes: Uint8Array): ImageFormat {
  const format = sniffImageFormat(bytes);
  if (format) return format;
  throw new UnsupportedImageTypeError(describeUnknown(bytes));
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function describeUnknown(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty body';
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  if (ascii(bytes, 0, 3) === 'GIF') return 'GIF';
  if (ascii(bytes, 0, 2) === 'BM') return 'BMP';
  if (ascii(bytes, 0, 4) === '%PDF') return 'PDF';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') return 'HEIF/AVIF';
  return 'unrecognised bytes';
}
