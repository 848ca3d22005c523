/**
 * The model input built from already-decoded pixels, the way the server builds it from the encoded photo:
 * what the browser runs (web/edge-worker.ts) before classifying on the visitor's device. Pure: no Node or DOM
 * imports. The server's own path stays sharp (src/vision/preprocess.ts); test/browser/edge-agreement measures
 * how closely this follows it.
 */
import { centreCropPlan, jpegShrinkOnLoad, type PreprocessSpec } from './centre-crop.js';
import { boxShrink, type PixelImage, resizeLikeSharp } from './resample.js';

/** The element type of the model's `image` input: float32 normalised, or raw 0–255 bytes. */
export type EdgeInputType = 'float32' | 'uint8';

/** RGBA as a canvas returns it (not premultiplied), oriented as the photo should be seen. */
export interface DecodedPhoto {
  readonly rgba: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** From the photo's bytes: JPEGs are shrunk on load by the server's decoder, other formats are not. */
  readonly format: 'jpeg' | 'png' | 'webp';
}

/** Alpha composited on white, as the server flattens it. */
export function flattenOnWhite(photo: DecodedPhoto): PixelImage {
  const { rgba, width, height } = photo;
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    const alpha = rgba[i + 3]!;
    if (alpha === 255) {
      out[o] = rgba[i]!;
      out[o + 1] = rgba[i + 1]!;
      out[o + 2] = rgba[i + 2]!;
    } else {
      const keep = alpha / 255;
      const white = 255 * (1 - keep);
      out[o] = Math.round(rgba[i]! * keep + white);
      out[o + 1] = Math.round(rgba[i + 1]! * keep + white);
      out[o + 2] = Math.round(rgba[i + 2]! * keep + white);
    }
  }
  return { data: out, width, height, channels: 3 };
}

/** The centre crop, `spec.size`² interleaved RGB, as the server's sharp pipeline produces it. */
export function centreCropPixels(photo: DecodedPhoto, spec: PreprocessSpec): PixelImage {
  const plan = centreCropPlan(photo.width, photo.height, spec);
  let image = flattenOnWhite(photo);
  if (photo.format === 'jpeg')
    image = boxShrink(
      image,
      jpegShrinkOnLoad(photo.width, photo.height, plan.resizedWidth, plan.resizedHeight),
    );
  const resized = resizeLikeSharp(image, plan.resizedWidth, plan.resizedHeight);
  const out = new Uint8Array(plan.size * plan.size * 3);
  for (let y = 0; y < plan.size; y++) {
    const from = ((plan.top + y) * resized.width + plan.left) * 3;
    out.set(resized.data.subarray(from, from + plan.size * 3), y * plan.size * 3);
  }
  return { data: out, width: plan.size, height: plan.size, channels: 3 };
}

/**
 * Planar [3, size, size] model input from the crop: normalised float32 ((v/255 - mean) / std, the server's
 * formula), or the raw bytes when the model takes uint8 and normalises inside its graph.
 */
export function edgeInputTensor(
  crop: PixelImage,
  spec: PreprocessSpec,
  type: EdgeInputType,
): Float32Array | Uint8Array {
  const plane = crop.width * crop.height;
  const out = type === 'uint8' ? new Uint8Array(plane * 3) : new Float32Array(plane * 3);
  const scale = spec.std.map((s) => 1 / (255 * s));
  const shift = spec.mean.map((m, c) => -m / spec.std[c]!);
  for (let c = 0; c < 3; c++) {
    const a = scale[c]!;
    const b = shift[c]!;
    for (let i = 0; i < plane; i++) {
      const v = crop.data[i * 3 + c]!;
      out[c * plane + i] = type === 'uint8' ? v : v * a + b;
    }
  }
  return out;
}
