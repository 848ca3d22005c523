import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of reading an image. */
export const visionErrorCodes = {
  GG_ERR_IMAGE_TYPE: { status: 415, summary: 'the bytes are not JPEG, PNG or WebP' },
  GG_ERR_IMAGE_CORRUPT: {
    status: 422,
    summary: 'a supported format that cannot be decoded (truncated, corrupt)',
  },
  GG_ERR_IMAGE_PIXELS: {
    status: 422,
    summary: 'more pixels than allowed (a decompression bomb, or too large)',
  },
  GG_ERR_IMAGE_SMALL: { status: 422, summary: 'a side shorter than any classifier can use' },
} as const satisfies ErrorCatalogue;

export type VisionErrorCode = keyof typeof visionErrorCodes;

/** Errors raised while reading an image. Each has a code of `visionErrorCodes` and that code's status. */
export class ImageError extends codedErrorBase(visionErrorCodes) {}

/** The bytes are not JPEG, PNG or WebP (SVG and every other format included). */
export class UnsupportedImageTypeError extends ImageError {
  constructor(detected: string) {
    super('GG_ERR_IMAGE_TYPE', `unsupported image type: ${detected}; send JPEG, PNG or WebP`);
  }
}

/** The bytes claim a supported format but cannot be decoded (truncated, corrupt). */
export class CorruptImageError extends ImageError {
  constructor(reason: string, cause?: unknown) {
    super('GG_ERR_IMAGE_CORRUPT', `image cannot be decoded: ${reason}`, { cause });
  }
}

/** The image declares more pixels than allowed: a decompression bomb or simply too large. */
export class ImageTooLargeError extends ImageError {
  constructor(width: number, height: number, limit: number) {
    super(
      'GG_ERR_IMAGE_PIXELS',
      `image is ${width}x${height} = ${width * height} pixels, over the limit of ${limit}`,
    );
  }
}

/** The image is smaller than anything a classifier can use. */
export class ImageTooSmallError extends ImageError {
  constructor(width: number, height: number, minSide: number) {
    super('GG_ERR_IMAGE_SMALL', `image is ${width}x${height}; each side must be at least ${minSide} pixels`);
  }
}
