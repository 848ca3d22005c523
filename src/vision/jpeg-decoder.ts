import { createRequire } from 'node:module';
import { projectPath } from '../core/index.js';
import type { CentreCropPlan } from './centre-crop.js';

/** Interleaved RGB, `width` × `height` × 3 bytes: the whole photo, or the crop asked for when `cropped`. */
export interface DecodedJpeg {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly cropped: boolean;
}

interface JpegAddon {
  decodeJpeg(bytes: Uint8Array, crop?: readonly number[]): Promise<DecodedJpeg | null>;
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
 * Decodes a YCbCr JPEG at full size with libjpeg's defaults (the pixels libvips gets) and, given a crop, resizes
 * and crops it as libvips' Lanczos-3 reduce does (native/centre-crop.c); a resize it does not transcribe
 * (enlarging) leaves the whole decode, `cropped` false. `undefined` when the addon is missing or the photo needs
 * what only libvips does (an ICC profile, CMYK or greyscale, a warning such as truncated data): the caller then
 * uses sharp.
 */
export async function decodeJpegDirect(
  bytes: Uint8Array,
  crop?: CentreCropPlan,
): Promise<DecodedJpeg | undefined> {
  if (!addon) return undefined;
  const plan = crop && [crop.resizedWidth, crop.resizedHeight, crop.left, crop.top, crop.size];
  return (await addon.decodeJpeg(bytes, plan)) ?? undefined;
}
