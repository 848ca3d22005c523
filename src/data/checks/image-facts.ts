import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { differenceHash, hashToHex } from './perceptual-hash.js';

/** What the data checks need to know about one file, read in one pass. */
export interface ImageFacts {
  readonly sha256: string;
  readonly bytes: number;
  /** After EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** Mean luma, 0 (black) to 255 (white). */
  readonly brightness: number;
  /** dHash as 16 hex digits. */
  readonly dhash: string;
}

export type FactsResult =
  | { readonly ok: true; readonly facts: ImageFacts }
  | { readonly ok: false; readonly reason: string };

/** Reads and decodes a file; a file that cannot be decoded is a result, not an exception. */
export async function readImageFacts(path: string): Promise<FactsResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { ok: false, reason: `cannot read: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const image = sharp(bytes, { failOn: 'truncated' }).rotate();
    const meta = await sharp(bytes).metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    // A small greyscale thumbnail gives brightness cheaply; the dHash needs its own 9×8 resize.
    const [thumb, hashPixels] = await Promise.all([
      image.clone().greyscale().resize(64, 64, { fit: 'fill' }).raw().toBuffer(),
      image.clone().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer(),
    ]);
    let sum = 0;
    for (const v of thumb) sum += v;
    return {
      ok: true,
      facts: {
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
        width: (swap ? meta.height : meta.width) ?? 0,
        height: (swap ? meta.width : meta.height) ?? 0,
        brightness: sum / thumb.length,
        dhash: hashToHex(differenceHash(hashPixels)),
      },
    };
  } catch (error) {
    return { ok: false, reason: `cannot decode: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Reads many files with bounded concurrency (sharp has its own thread pool; more in flight only costs memory). */
export async function readAllImageFacts(
  paths: readonly string[],
  onProgress?: (done: number, total: number) => void,
  concurrency = 8,
): Promise<FactsResult[]> {
  const results: FactsResult[] = new Array(paths.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      results[index] = await readImageFacts(paths[index]!);
      onProgress?.(++done, paths.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return results;
}
