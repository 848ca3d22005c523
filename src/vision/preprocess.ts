import sharp, { type Metadata, type Sharp } from 'sharp';
import { type CentreCropPlan, centreCropPlan, jpegShrinkOnLoad, type PreprocessSpec } from './centre-crop.js';
import { CorruptImageError, ImageError, ImageTooLargeError, ImageTooSmallError } from './errors.js';
import { requireImageFormat } from './image-format.js';
import { jpegDataMissing, readImageHeader } from './image-header.js';
import { decodeJpegDirect } from './jpeg-decoder.js';

/** Guards applied before any pixel is decoded. */
export interface DecodeLimits {
  /** Largest width × height accepted: 12 MP photos pass, decompression bombs do not. */
  readonly maxPixels: number;
  readonly minSide: number;
}

/** Below 8 px a side there is no dish to see, and a 1×1 "photo" is a probe, not a meal: refused early. */
const minPhotoSide = 8;

export const defaultDecodeLimits: DecodeLimits = Object.freeze({
  maxPixels: 50_000_000,
  minSide: minPhotoSide,
});

/** The default limits with a recipe's own pixel ceiling (`serving.max_pixels`). */
export function decodeLimits(maxPixels: number): DecodeLimits {
  return Object.freeze({ ...defaultDecodeLimits, maxPixels });
}

/**
 * A region of the (orientation-corrected) image to classify, in fractions of its width and height, plus
 * photometric changes. The centre crop is one view; training augmentations are others.
 */
export interface ImageView {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly flip: boolean;
  /** Multipliers, 1 = unchanged. */
  readonly brightness: number;
  readonly saturation: number;
}

export interface TensorTarget {
  /** Where the CHW tensor is written; allocated when absent. */
  readonly out?: Float32Array;
  /** Index into `out` of the first element. */
  readonly offset?: number;
}

export interface PreprocessedImage {
  readonly tensor: Float32Array;
  /** Width and height after EXIF orientation, before cropping. */
  readonly width: number;
  readonly height: number;
}

/** Number of float32 values one image occupies in an NCHW batch. */
export function tensorLength(spec: PreprocessSpec): number {
  return 3 * spec.size * spec.size;
}

/**
 * Reads the header only: format, orientation-corrected size, and the limit checks. A JPEG's size and EXIF
 * orientation are read here in JavaScript, so its one libvips pass is the decode itself (a sharp metadata
 * call cost ~0.8 ms per photo, measured by bench:floor); PNG and WebP ask sharp.
 */
export async function inspectImage(
  bytes: Uint8Array,
  limits: DecodeLimits = defaultDecodeLimits,
): Promise<{ width: number; height: number; format: string; orientation: number }> {
  const format = requireImageFormat(bytes);
  const header = readImageHeader(bytes);
  const stored = header?.orientation !== undefined ? header : await sharpHeader(bytes);
  if (header && jpegDataMissing(bytes, header))
    throw new CorruptImageError(
      `the header claims ${header.width}x${header.height} but the file holds almost no image data`,
    );
  if (stored.width * stored.height > limits.maxPixels)
    throw new ImageTooLargeError(stored.width, stored.height, limits.maxPixels);
  const swap = (stored.orientation ?? 1) >= 5;
  const width = swap ? stored.height : stored.width;
  const height = swap ? stored.width : stored.height;
  if (Math.min(width, height) < limits.minSide) throw new ImageTooSmallError(width, height, limits.minSide);
  return { width, height, format, orientation: stored.orientation ?? 1 };
}

async function sharpHeader(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; orientation?: number }> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new CorruptImageError(errorMessage(cause), cause);
  }
  if (!meta.width || !meta.height) throw new CorruptImageError('no dimensions in the header');
  return { width: meta.width, height: meta.height, orientation: meta.orientation };
}

/** A decoded, oriented, cropped and resized photo: `size`² interleaved RGB bytes (HWC), as sharp hands them. */
export interface PreprocessedPixels {
  readonly pixels: Uint8Array;
  /** Width and height after EXIF orientation, before cropping. */
  readonly width: number;
  readonly height: number;
}

export interface DecodeOptions {
  readonly view?: ImageView;
  readonly limits?: DecodeLimits;
  readonly shrinkOnLoad?: boolean;
  /**
   * Who builds a JPEG's centre crop: libjpeg-turbo and native/'s Lanczos-3 (the default where native/ is built;
   * the same pixels, ~2 ms less per 512-px photo) or libvips through sharp.
   */
  readonly jpegDecoder?: 'libjpeg' | 'libvips';
}

/**
 * Decodes JPEG/PNG/WebP bytes into `spec.size`² RGB bytes (HWC), applying EXIF orientation and dropping
 * alpha (composited on white). Without a view it takes the centre crop, resizing first so that libjpeg can
 * shrink on load, which keeps 12-megapixel photos cheap.
 */
export async function imageToPixels(
  bytes: Uint8Array,
  spec: PreprocessSpec,
  options: DecodeOptions = {},
): Promise<PreprocessedPixels> {
  const limits = options.limits ?? defaultDecodeLimits;
  const { width, height, format, orientation } = await inspectImage(bytes, limits);
  const view = options.view;
  // The plan is shared with the browser (web/), which must crop exactly where the server does.
  const plan = view ? undefined : centreCropPlan(width, height, spec);
  const direct =
    plan &&
    options.shrinkOnLoad !== false &&
    options.jpegDecoder !== 'libvips' &&
    format === 'jpeg' &&
    orientation === 1
      ? await centreCropFromLibjpeg(bytes, width, height, plan)
      : undefined;
  if (direct) return { pixels: direct, width, height };
  let pipeline =
    options.shrinkOnLoad === false
      ? await decodedFullSize(bytes, limits)
      : sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' }).rotate();
  pipeline = pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb');
  if (view) {
    const region = viewRegion(view, width, height);
    pipeline = pipeline.extract(region).resize(spec.size, spec.size, { fit: 'fill' });
    if (view.flip) pipeline = pipeline.flop();
    if (view.brightness !== 1 || view.saturation !== 1)
      pipeline = pipeline.modulate({ brightness: view.brightness, saturation: view.saturation });
  } else if (plan) {
    pipeline = resizeAndCrop(pipeline, plan);
  }
  try {
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== spec.size || info.height !== spec.size)
      throw new Error(`bug: decoded ${info.width}x${info.height}x${info.channels}, wanted ${spec.size}² RGB`);
    return { pixels: data, width, height };
  } catch (cause) {
    if (cause instanceof ImageError) throw cause;
    if (cause instanceof Error && cause.message.startsWith('bug:')) throw cause;
    throw new CorruptImageError(errorMessage(cause), cause);
  }
}

/**
 * The centre crop of a JPEG decoded by libjpeg-turbo and resized in the addon (or, where it enlarges, by libvips)
 * as sharp's own pipeline does: byte for byte the same crop (src/vision/jpeg-decoder.test.ts), without libvips'
 * decode. `undefined` when the photo needs sharp's decoder.
 */
async function centreCropFromLibjpeg(
  bytes: Uint8Array,
  width: number,
  height: number,
  plan: CentreCropPlan,
): Promise<Uint8Array | undefined> {
  // Where sharp would shrink on load (libjpeg's 1/2–1/8 scales), its crop differs from a full decode resized:
  // large photos keep sharp's path.
  if (jpegShrinkOnLoad(width, height, plan.resizedWidth, plan.resizedHeight) > 1) return undefined;
  const decoded = await decodeJpegDirect(bytes, plan);
  if (decoded?.cropped) return decoded.data;
  // A file whose frames disagree with the header we read is sharp's to judge.
  if (!decoded || decoded.width !== width || decoded.height !== height) return undefined;
  try {
    const raw = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
    return await resizeAndCrop(raw, plan).raw().toBuffer();
  } catch (cause) {
    throw new CorruptImageError(errorMessage(cause), cause);
  }
}

/** The centre crop's resize and extract, as sharp runs them on an encoded photo or on decoded pixels. */
function resizeAndCrop(pipeline: Sharp, plan: CentreCropPlan): Sharp {
  return pipeline
    .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill' })
    .extract({ left: plan.left, top: plan.top, width: plan.size, height: plan.size });
}

/** {@link imageToPixels}, then normalised into a float32 CHW tensor (training, evaluation, float models). */
export async function imageToTensor(
  bytes: Uint8Array,
  spec: PreprocessSpec,
  options: TensorTarget & DecodeOptions = {},
): Promise<PreprocessedImage> {
  const { pixels, width, height } = await imageToPixels(bytes, spec, options);
  const out = options.out ?? new Float32Array(tensorLength(spec));
  writeNormalisedChw(pixels, spec, out, options.offset ?? 0);
  return { tensor: out, width, height };
}

/**
 * Writes interleaved RGB bytes as normalised planar channels: (v/255 - mean) / std, folded into one multiply
 * and one add per value so the hot loop allocates nothing.
 */
export function writeNormalisedChw(
  rgb: Uint8Array,
  spec: PreprocessSpec,
  out: Float32Array,
  offset: number,
): void {
  const plane = spec.size * spec.size;
  if (rgb.length !== plane * 3) throw new Error(`bug: ${rgb.length} bytes for a ${spec.size}² RGB image`);
  if (offset + plane * 3 > out.length) throw new Error('bug: tensor target too small');
  const [m0, m1, m2] = spec.mean;
  const [s0, s1, s2] = spec.std;
  const a0 = 1 / (255 * s0);
  const a1 = 1 / (255 * s1);
  const a2 = 1 / (255 * s2);
  const b0 = -m0 / s0;
  const b1 = -m1 / s1;
  const b2 = -m2 / s2;
  const r = offset;
  const g = offset + plane;
  const b = offset + 2 * plane;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    out[r + i] = rgb[p]! * a0 + b0;
    out[g + i] = rgb[p + 1]! * a1 + b1;
    out[b + i] = rgb[p + 2]! * a2 + b2;
  }
}

/**
 * Decodes every pixel before resizing (shrinkOnLoad false): what a naive pipeline pays, kept so the
 * predecessor's recipe can be measured as it ran.
 */
async function decodedFullSize(bytes: Uint8Array, limits: DecodeLimits): Promise<Sharp> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  } catch (cause) {
    throw new CorruptImageError(errorMessage(cause), cause);
  }
}

function viewRegion(view: ImageView, width: number, height: number) {
  const left = clamp(Math.round(view.left * width), 0, width - 1);
  const top = clamp(Math.round(view.top * height), 0, height - 1);
  return {
    left,
    top,
    width: clamp(Math.round(view.width * width), 1, width - left),
    height: clamp(Math.round(view.height * height), 1, height - top),
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function errorMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
