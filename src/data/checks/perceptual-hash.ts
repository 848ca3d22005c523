import sharp from 'sharp';

/** A 64-bit difference hash as two unsigned 32-bit halves (plain numbers keep the pairwise scan fast). */
export interface PerceptualHash {
  readonly hi: number;
  readonly lo: number;
}

/**
 * dHash: for each of 8 rows of a 9×8 greyscale thumbnail, one bit per neighbour pair (left brighter than
 * right). Robust to rescaling, recompression and mild colour changes; a mirrored or cropped copy differs.
 */
export function differenceHash(grey: Uint8Array, width = 9, height = 8): PerceptualHash {
  if (width !== 9 || height !== 8 || grey.length !== 72)
    throw new Error(`bug: dHash wants 9×8 grey pixels, got ${grey.length}`);
  let hi = 0;
  let lo = 0;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const bit = grey[y * 9 + x]! > grey[y * 9 + x + 1]! ? 1 : 0;
      const index = y * 8 + x;
      if (index < 32) hi = ((hi << 1) | bit) >>> 0;
      else lo = ((lo << 1) | bit) >>> 0;
    }
  }
  return { hi, lo };
}

/** Number of differing bits between two hashes (0 = same picture at hash resolution). */
export function hammingDistance(a: PerceptualHash, b: PerceptualHash): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/** 16 hex digits, for reports. */
export function hashToHex(hash: PerceptualHash): string {
  return hash.hi.toString(16).padStart(8, '0') + hash.lo.toString(16).padStart(8, '0');
}

export function hashFromHex(hex: string): PerceptualHash {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new Error(`bug: '${hex}' is not a 64-bit hex hash`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}

/** The dHash of encoded image bytes, after EXIF orientation, from sharp's greyscale resize. */
export async function perceptualHash(bytes: Uint8Array): Promise<PerceptualHash> {
  const grey = await sharp(bytes).rotate().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  return differenceHash(grey);
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
