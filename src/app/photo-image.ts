import sharp from 'sharp';
import {
  CorruptImageError,
  type DecodeLimits,
  ImageError,
  type ImageFormat,
  imageMimeTypes,
} from '../vision/index.js';

export interface StoredImages {
  readonly image: Buffer;
  readonly thumb: Buffer;
  readonly mime: string;
  readonly extension: string;
  readonly width: number;
  readonly height: number;
}

export interface ImageSizes {
  /** Longest side kept for the full photo; phones upload 4000 px, pages never show more than this. */
  readonly maxSide: number;
  readonly thumbSide: number;
}

export const defaultImageSizes: ImageSizes = Object.freeze({ maxSide: 2048, thumbSide: 480 });

/**
 * Re-encodes an upload for storage: orientation applied to the pixels, then every metadata block (EXIF with its
 * GPS position, XMP, IPTC, ICC beyond sRGB) dropped, because sharp writes none unless asked. Also makes the
 * square thumbnail the listing pages use.
 */
export async function prepareStoredImages(
  bytes: Uint8Array,
  format: ImageFormat,
  limits: DecodeLimits,
  sizes: ImageSizes = defaultImageSizes,
): Promise<StoredImages> {
  try {
    const base = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .resize({ width: sizes.maxSide, height: sizes.maxSide, fit: 'inside', withoutEnlargement: true });
    // PNG and WebP may carry transparency worth keeping; JPEG stays JPEG.
    const encoded =
      format === 'png'
        ? base.png({ compressionLevel: 8 })
        : format === 'webp'
          ? base.webp({ quality: 86 })
          : base.jpeg({ quality: 86 });
    const { data: image, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumb = await sharp(image)
      .resize(sizes.thumbSide, sizes.thumbSide, { fit: 'cover', position: 'attention' })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer();
    return {
      image,
      thumb,
      mime: imageMimeTypes[format],
      extension: format === 'jpeg' ? 'jpg' : format,
      width: info.width,
      height: info.height,
    };
  } catch (cause) {
    if (cause instanceof ImageError) throw cause;
    throw new CorruptImageError(cause instanceof Error ? cause.message : String(cause), cause);
  }
}
