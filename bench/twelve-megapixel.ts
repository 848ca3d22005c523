/** The 12-megapixel photos the serving benchmark sends, made from real test photos. */
import sharp from 'sharp';
import type { LoadItem } from '../src/bench/load-generator.js';

/** 12-megapixel JPEGs (4000×3000) made by upscaling real photos, as a phone would send. */
export function upscale12mp(photos: readonly LoadItem[], count: number): Promise<LoadItem[]> {
  return Promise.all(
    photos.slice(0, count).map(async (photo) => ({
      body: await sharp(photo.body).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer(),
      contentType: 'image/jpeg',
    })),
  );
}
