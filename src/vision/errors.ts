import { CodedError } from '../core/index.js';

/** Errors raised while reading an image. Each has a stable `code` and the HTTP status a server should answer. */
export class ImageError extends CodedError {}

/** The bytes are not JPEG, PNG or WebP (SVG and every other format included). */
export class UnsupportedImageTypeError extends ImageError {
  constructor(detected: string) {
    super('GG_ERR_IMAGE_TYPE', 415, `unsupported image type: ${detected}; send JPEG, PNG or WebP`);
  }
}

/** The bytes claim a supported format but cannot be decoded (truncated, corrupt). */
export class CorruptImageError extends ImageError {
  constructor(reason: string, cause?: unknown) {
    super('GG_ERR_IMAGE_CORRUPT', 422, `image cannot be decoded: ${reason}`, { cause });
  }
}

/** The image declares more pixels than allowed: a decompression bomb or simply too large. */
export class ImageTooLargeError extends ImageError {
  constructor(width: number, height: number, limit: number) {
    super(
      'GG_ERR_IMAGE_PIXELS',
      422,
      `image is ${width}x${height} = ${width * height} pixels, over the limit of ${limit}`,
    );
  }
}

/** The image is smaller than anything a classifier can use. */
export class ImageTooSmallError extends ImageError {
  constructor(width: number, height: number, minSide: number) {
    super(
      'GG_ERR_IMAGE_SMALL',
      422,
      `image is ${width}x${height}; each side must be at least ${minSide} pixels`,
    );
  }
}
