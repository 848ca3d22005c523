import { createRequire } from 'node:module';
import { projectPath } from '../core/index.js';

/** Interleaved RGB, `width` × `height` × 3 bytes. */
export interface DecodedJpeg {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

interface JpegAddon {
  decodeJpeg(bytes: Uint8Array): Promise<DecodedJpeg | null>;
}

/** Built by `npm run build:native` (native/binding.gyp) against the system's libjpeg-turbo. */
const addonPath = projectPath('native', 'build', 'Release', 'gourmetgram_jpeg.node');

function loadAddon(): JpegAddon | undefined {
  try {
    return createRequire(import.meta.url)(addonPath) as JpegAddon;
  } catch {
    return undefined;
  }
}

const addon = loadAddon();

/** Whether the libjpeg-turbo decoder is built here; without it every JPEG goes through sharp. */
export const libjpegAvailable: boolean = addon !== undefined;

/**
 * Decodes a YCbCr JPEG at full size with libjpeg's defaults (the pixels libvips gets). `undefined` when the
 * addon is missing or the photo needs what only libvips does (an ICC profile, CMYK or greyscale, a warning such
 * as truncated data): the caller then uses sharp.
 */
export async function decodeJpegDirect(bytes: Uint8Array): Promise<DecodedJpeg | undefined> {
  if (!addon) return undefined;
  return (await addon.decodeJpeg(bytes)) ?? undefined;
}
