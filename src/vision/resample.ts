/**
 * Pure TypeScript image resampling that reproduces what the server's sharp pipeline does to pixels, so a
 * browser (which has no libvips) can build the same model input from the same decoded photo. No Node or DOM
 * imports: this file is compiled for both sides (tsconfig.json and web/tsconfig.json).
 *
 * The arithmetic follows libvips 8.18 as sharp 0.35 calls it, read from its documentation and source: a
 * separable Lanczos-3 reduce (vertical pass, then horizontal) with fixed-point 12-bit coefficients
 * precomputed at 1/64-pixel positions, rounded to 8 bits between the passes; with the default "gap" of 2,
 * any whole factor beyond twice the residual goes to a box shrink first; enlarging uses a bicubic interpolator.
 * Canvas or createImageBitmap resizing is not used: it agreed with sharp on only ~80 % of top-1 labels.
 * native/centre-crop.c transcribes the reduce for the server (this takes ~20 ms a photo in Node): change both.
 */

/** Interleaved 8-bit pixels, `channels` per pixel, row-major. */
export interface PixelImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

const subpixelSteps = 64;
const fixedShift = 12;
const fixedOne = 1 << fixedShift;
const reduceGap = 2;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

function lanczos3(x: number): number {
  return x >= -3 && x <= 3 ? sinc(x) * sinc(x / 3) : 0;
}

/** The fixed-point Lanczos-3 masks at each 1/64 sub-pixel position for one residual shrink factor. */
function reduceMasks(shrink: number): { points: number; masks: Int16Array[] } {
  const points = 2 * Math.round(3 * shrink) + 1;
  const masks: Int16Array[] = [];
  for (let step = 0; step <= subpixelSteps; step++) {
    // libvips computes the position in single precision ((float) x / 64); the steps are exact either way.
    const x = step / subpixelSteps;
    const half = x + points / 2 - 1;
    const weights = new Float64Array(points);
    let sum = 0;
    for (let i = 0; i < points; i++) {
      weights[i] = lanczos3((i - half) / shrink);
      sum += weights[i]!;
    }
    const mask = new Int16Array(points);
    for (let i = 0; i < points; i++) mask[i] = Math.trunc((weights[i]! / sum) * fixedOne);
    masks.push(mask);
  }
  return { points, masks };
}

/** Rounding of a value to the nearest integer, halves away from zero (C's round()). */
function roundHalfAway(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

/**
 * Reduces one axis by `shrink` (≥ 1): the output has round(length / shrink) pixels. `axis` 'y' runs down the
 * columns, 'x' along the rows.
 */
export function reduceAxis(image: PixelImage, shrink: number, axis: 'x' | 'y'): PixelImage {
  if (shrink < 1) throw new Error(`bug: reduce factor ${shrink} is below 1`);
  const length = axis === 'x' ? image.width : image.height;
  const outLength = roundHalfAway(length / shrink);
  let extra = outLength * shrink - length;
  let residual = shrink;
  let source = image;
  const whole = Math.max(1, Math.floor(length / outLength / reduceGap));
  if (whole > 1) {
    source = boxShrinkAxis(image, whole, axis);
    residual /= whole;
    extra /= whole;
  }
  if (residual === 1) return source;
  const { points, masks } = reduceMasks(residual);
  const offset = (1 + extra) / 2 - 1;
  const pad = Math.ceil(points / 2) - 1;
  const { width, height, channels, data } = source;
  const outWidth = axis === 'x' ? outLength : width;
  const outHeight = axis === 'y' ? outLength : height;
  const out = new Uint8Array(outWidth * outHeight * channels);
  const inLength = axis === 'x' ? width : height;
  // Along the axis: a source index into the padded line (edges repeated), then the sub-pixel mask.
  const starts = new Int32Array(outLength);
  const maskIndex = new Int32Array(outLength);
  for (let o = 0; o < outLength; o++) {
    const position = (o + 0.5) * residual - 0.5 - offset;
    const integer = Math.trunc(position);
    const fine = Math.trunc(position * subpixelSteps * 2) & (subpixelSteps * 2 - 1);
    starts[o] = integer - pad;
    maskIndex[o] = (fine + 1) >> 1;
  }
  const pixelStride = axis === 'x' ? channels : width * channels;
  const lineStride = axis === 'x' ? width * channels : channels;
  const lines = axis === 'x' ? height : width;
  const outPixelStride = axis === 'x' ? channels : outWidth * channels;
  const outLineStride = axis === 'x' ? outWidth * channels : channels;
  for (let line = 0; line < lines; line++) {
    const lineBase = line * lineStride;
    const outBase = line * outLineStride;
    for (let o = 0; o < outLength; o++) {
      const mask = masks[maskIndex[o]!]!;
      const start = starts[o]!;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = 0; i < points; i++) {
          const at = Math.min(inLength - 1, Math.max(0, start + i));
          sum += data[lineBase + at * pixelStride + c]! * mask[i]!;
        }
        const value = (sum + (fixedOne >> 1)) >> fixedShift;
        out[outBase + o * outPixelStride + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/** Averages blocks of `factor` pixels along one axis; a partial last block averages what it has. */
export function boxShrinkAxis(image: PixelImage, factor: number, axis: 'x' | 'y'): PixelImage {
  const { width, height, channels, data } = image;
  const outWidth = axis === 'x' ? Math.ceil(width / factor) : width;
  const outHeight = axis === 'y' ? Math.ceil(height / factor) : height;
  const out = new Uint8Array(outWidth * outHeight * channels);
  for (let y = 0; y < outHeight; y++)
    for (let x = 0; x < outWidth; x++)
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < factor; k++) {
          const sx = axis === 'x' ? Math.min(width - 1, x * factor + k) : x;
          const sy = axis === 'y' ? Math.min(height - 1, y * factor + k) : y;
          sum += data[(sy * width + sx) * channels + c]!;
        }
        out[(y * outWidth + x) * channels + c] = Math.floor((sum + (factor >> 1)) / factor);
      }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/**
 * Shrinks both axes by a whole factor with block means: how a JPEG decoder's scaled IDCT (libjpeg's 1/2, 1/4,
 * 1/8 decode, which sharp uses to shrink on load) approximately sees the photo. Output sizes round up.
 */
export function boxShrink(image: PixelImage, factor: number): PixelImage {
  if (factor <= 1) return image;
  return boxShrinkAxis(boxShrinkAxis(image, factor, 'y'), factor, 'x');
}

/** Catmull-Rom weights for a fractional offset in [0, 1]. */
function cubicWeights(t: number): [number, number, number, number] {
  const t2 = t * t;
  const t3 = t2 * t;
  return [
    -0.5 * t3 + t2 - 0.5 * t,
    1.5 * t3 - 2.5 * t2 + 1,
    -1.5 * t3 + 2 * t2 + 0.5 * t,
    0.5 * t3 - 0.5 * t2,
  ];
}

/** Enlarges one axis by `scale` (> 1) with a bicubic interpolator, centre-sampled, edges repeated. */
export function enlargeAxis(image: PixelImage, scale: number, axis: 'x' | 'y'): PixelImage {
  const { width, height, channels, data } = image;
  const inLength = axis === 'x' ? width : height;
  const outLength = roundHalfAway(inLength * scale);
  const outWidth = axis === 'x' ? outLength : width;
  const outHeight = axis === 'y' ? outLength : height;
  const out = new Uint8Array(outWidth * outHeight * channels);
  for (let y = 0; y < outHeight; y++)
    for (let x = 0; x < outWidth; x++) {
      const o = axis === 'x' ? x : y;
      const position = (o + 0.5) / scale - 0.5;
      const base = Math.floor(position);
      const weights = cubicWeights(position - base);
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) {
          const at = Math.min(inLength - 1, Math.max(0, base - 1 + k));
          const sx = axis === 'x' ? at : x;
          const sy = axis === 'y' ? at : y;
          sum += data[(sy * width + sx) * channels + c]! * weights[k]!;
        }
        const value = Math.round(sum);
        out[(y * outWidth + x) * channels + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  return { data: out, width: outWidth, height: outHeight, channels };
}

/**
 * Resizes to exactly `width` × `height` the way sharp's `resize(w, h, { fit: 'fill' })` does with its default
 * Lanczos-3 kernel: the scale factors are computed as sharp computes them, then reduced vertically first.
 */
export function resizeLikeSharp(image: PixelImage, width: number, height: number): PixelImage {
  const hshrink = image.width / width;
  const vshrink = image.height / height;
  const hscale = Math.max(1 / hshrink, 1 / image.width);
  const vscale = Math.max(1 / vshrink, 1 / image.height);
  let out = image;
  if (vscale < 1) out = reduceAxis(out, 1 / vscale, 'y');
  if (hscale < 1) out = reduceAxis(out, 1 / hscale, 'x');
  if (vscale > 1) out = enlargeAxis(out, vscale, 'y');
  if (hscale > 1) out = enlargeAxis(out, hscale, 'x');
  // The sizes above round exactly as libvips rounds; a last-pixel disagreement would be a bug here.
  if (out.width !== width || out.height !== height)
    throw new Error(`bug: resized to ${out.width}x${out.height}, wanted ${width}x${height}`);
  return out;
}
