import sharp from 'sharp';

/** What the log keeps of a photo: never its bytes, only these four numbers. */
export interface ImageStats {
  readonly width: number;
  readonly height: number;
  /** Mean luma, 0 (black) to 1 (white). */
  readonly brightness: number;
  /** Variance of the 4-neighbour Laplacian of the luma (0–255 scale) at a fixed 256-px size: blur lowers it. */
  readonly sharpness: number;
}

/** The side the luma is measured at: fixed, so sharpness compares across photo sizes (and JPEG shrink-on-load keeps it cheap). */
const side = 256;

/** Measures a photo (JPEG, PNG or WebP bytes) with EXIF orientation applied. */
export async function measureImage(bytes: Uint8Array): Promise<ImageStats> {
  const image = sharp(bytes, { failOn: 'none' }).rotate();
  const meta = await sharp(bytes).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const { data, info } = await image
    .resize(side, side, { fit: 'inside' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: (swap ? meta.height : meta.width) ?? info.width,
    height: (swap ? meta.width : meta.height) ?? info.height,
    ...lumaStats(data, info.width, info.height, info.channels),
  };
}

/** Brightness and Laplacian variance of an interleaved 8-bit image (first channel read as luma). */
export function lumaStats(
  data: Uint8Array,
  width: number,
  height: number,
  channels = 1,
): { brightness: number; sharpness: number } {
  let total = 0;
  for (let i = 0; i < width * height; i++) total += data[i * channels]!;
  const brightness = total / (width * height * 255);
  if (width < 3 || height < 3) return { brightness, sharpness: 0 };
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  const at = (x: number, y: number) => data[(y * width + x) * channels]!;
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const lap = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4 * at(x, y);
      sum += lap;
      sumSq += lap * lap;
      count++;
    }
  const mean = sum / count;
  return { brightness, sharpness: sumSq / count - mean * mean };
}
