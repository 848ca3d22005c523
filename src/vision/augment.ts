import type { Random } from '../core/index.js';
import type { ImageView } from './preprocess.js';

/** The classic view: the centre square covering `cropFraction` of the shorter side. */
export function centreView(width: number, height: number, cropFraction: number, flip = false): ImageView {
  const side = Math.min(width, height) * cropFraction;
  return {
    left: (width - side) / 2 / width,
    top: (height - side) / 2 / height,
    width: side / width,
    height: side / height,
    flip,
    brightness: 1,
    saturation: 1,
  };
}

export interface AugmentOptions {
  /** Share of the image area the crop covers, drawn uniformly in [min, max]. */
  readonly scale: readonly [number, number];
  /** Aspect ratio range of the crop (log-uniform). */
  readonly ratio: readonly [number, number];
  /** Brightness and saturation multipliers are drawn in [1 - jitter, 1 + jitter]. */
  readonly jitter: number;
}

export const defaultAugment: AugmentOptions = Object.freeze<AugmentOptions>({
  scale: [0.35, 1],
  ratio: [3 / 4, 4 / 3],
  jitter: 0.2,
});

/**
 * A training view: random resized crop (as in torchvision's RandomResizedCrop), a coin-flip mirror and light
 * colour jitter. The same `random` stream gives the same views, so training is reproducible.
 */
export function randomView(
  width: number,
  height: number,
  random: Random,
  options: AugmentOptions = defaultAugment,
): ImageView {
  const area = width * height;
  const [minScale, maxScale] = options.scale;
  const [minRatio, maxRatio] = options.ratio;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (minScale + random() * (maxScale - minScale));
    const ratio = Math.exp(Math.log(minRatio) + random() * (Math.log(maxRatio) - Math.log(minRatio)));
    const w = Math.sqrt(target * ratio);
    const h = Math.sqrt(target / ratio);
    if (w <= width && h <= height) {
      const left = random() * (width - w);
      const top = random() * (height - h);
      return withPhotometric(
        { left: left / width, top: top / height, width: w / width, height: h / height },
        random,
        options,
      );
    }
  }
  const view = centreView(width, height, 1);
  return withPhotometric(view, random, options);
}

function withPhotometric(
  region: Pick<ImageView, 'left' | 'top' | 'width' | 'height'>,
  random: Random,
  options: AugmentOptions,
): ImageView {
  const flip = random() < 0.5;
  const brightness = 1 + (random() * 2 - 1) * options.jitter;
  const saturation = 1 + (random() * 2 - 1) * options.jitter;
  return { ...region, flip, brightness, saturation };
}
