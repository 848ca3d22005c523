/**
 * The geometry of the centre crop every classification uses, as pure functions shared by the server (sharp)
 * and the browser (web/, through resample.ts). No Node or DOM imports: compiled for both sides.
 */

/** How a backbone wants its input: a square crop of `size` pixels, RGB, normalised per channel, NCHW. */
export interface PreprocessSpec {
  readonly size: number;
  /** Share of the shorter side the centre crop keeps (224/256 = 0.875 for the ImageNet recipe). */
  readonly cropFraction: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** Resize an (orientation-corrected) `width` × `height` photo to `resized`, then keep the square at `left, top`. */
export interface CentreCropPlan {
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly left: number;
  readonly top: number;
  readonly size: number;
}

/** The shorter side goes to size / cropFraction (256 for 224), then the centre `size`² square is kept. */
export function centreCropPlan(width: number, height: number, spec: PreprocessSpec): CentreCropPlan {
  const shorter = Math.max(spec.size, Math.round(spec.size / spec.cropFraction));
  const scale = shorter / Math.min(width, height);
  const resizedWidth = Math.max(spec.size, Math.round(width * scale));
  const resizedHeight = Math.max(spec.size, Math.round(height * scale));
  return {
    resizedWidth,
    resizedHeight,
    left: (resizedWidth - spec.size) >> 1,
    top: (resizedHeight - spec.size) >> 1,
    size: spec.size,
  };
}

/**
 * The factor sharp 0.35 asks libjpeg to shrink a JPEG by while decoding it (1, 2, 4 or 8) before resizing to
 * `resizedWidth` × `resizedHeight`: the largest power of two not above the smaller shrink, one step lower when
 * the shrink's integer part equals it (sharp avoids libjpeg's rounding there).
 */
export function jpegShrinkOnLoad(
  width: number,
  height: number,
  resizedWidth: number,
  resizedHeight: number,
): number {
  const shrink = Math.min(width / resizedWidth, height / resizedHeight);
  let factor = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  if (factor > 1 && Math.trunc(shrink) === factor) factor /= 2;
  return factor;
}
