import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createClassifier, type LocalClassifier } from '../../src/inference/index.js';
import { loadRecipe } from '../../src/recipes/index.js';

export const cacheDir = process.env.GOURMETGRAM_CACHE ?? join(tmpdir(), 'gourmetgram-test-cache');
export const mirrorDir = process.env.GOURMETGRAM_MODEL_MIRROR;

/** The latency recipe's committed head (models/heads/food11-latency) over the real backbone. */
export async function createTestClassifier(): Promise<LocalClassifier> {
  return createClassifier(await loadRecipe('latency'), { cacheDir, mirrorDir });
}

/** A real food photo from GOURMETGRAM_DATA when set, else a generated JPEG with EXIF (camera and GPS-like tags). */
export async function foodPhoto(index = 0): Promise<Buffer> {
  const root = process.env.GOURMETGRAM_DATA;
  if (root) {
    for (const split of ['test', 'validation', 'evaluation', 'train']) {
      const dir = join(root, split);
      const classes = await readdir(dir).catch(() => [] as string[]);
      const folder = classes.sort()[index % Math.max(1, classes.length)];
      if (!folder) continue;
      const files = (await readdir(join(dir, folder))).filter((f) => /\.jpe?g$/i.test(f)).sort();
      const file = files[Math.floor(index / classes.length) % files.length];
      if (file) return readFile(join(dir, folder, file));
    }
  }
  return generatedPhoto(index);
}

export async function generatedPhoto(index = 0, orientation = 1): Promise<Buffer> {
  const hue = (index * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
    <rect width="320" height="240" fill="hsl(${hue},60%,70%)"/>
    <circle cx="160" cy="120" r="90" fill="hsl(${(hue + 40) % 360},70%,45%)"/>
    <rect x="0" y="0" width="60" height="30" fill="#222"/></svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 85 })
    .withMetadata({
      orientation,
      exif: { IFD0: { Make: 'TestCam', Model: 'Secret Model 9000', Artist: 'Jane Private' } },
    })
    .toBuffer();
}
