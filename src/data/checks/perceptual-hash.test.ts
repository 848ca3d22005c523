import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import {
  differenceHash,
  hammingDistance,
  hashFromHex,
  hashToHex,
  perceptualHash,
} from './perceptual-hash.js';

/** A 256² picture with structure in every region: gradients plus a few blocks. */
async function picture(seed: number): Promise<Buffer> {
  const size = 256;
  const rgb = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const block = ((Math.floor(x / 32) * 7 + Math.floor(y / 32) * 13 + seed * 5) % 11) * 20;
      rgb[i] = (x + block) & 255;
      rgb[i + 1] = (y * seed + block) & 255;
      rgb[i + 2] = block;
    }
  return sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

describe('differenceHash', () => {
  it('should set a bit where a pixel is brighter than its right neighbour', () => {
    const grey = new Uint8Array(72);
    grey[0] = 10; // row 0: x=0 brighter than x=1 → the first (most significant) bit
    const hash = differenceHash(grey);
    assert.equal(hash.hi, 0x80000000);
    assert.equal(hash.lo, 0);
  });

  it('should reject a thumbnail that is not 9×8', () => {
    assert.throws(() => differenceHash(new Uint8Array(64)), /9×8/);
  });
});

describe('hammingDistance', () => {
  it('should count differing bits in both halves', () => {
    assert.equal(hammingDistance({ hi: 0, lo: 0 }, { hi: 0xffffffff, lo: 0xffffffff }), 64);
    assert.equal(hammingDistance({ hi: 0b1011, lo: 1 }, { hi: 0, lo: 0 }), 4);
  });

  it('should round-trip through hex', () => {
    const hash = { hi: 0xdeadbeef, lo: 0x01234567 };
    assert.equal(hashToHex(hash), 'deadbeef01234567');
    assert.deepEqual(hashFromHex(hashToHex(hash)), hash);
  });
});

describe('perceptualHash', () => {
  it('should keep a resized, recompressed copy within a few bits and put another picture far away', async () => {
    const original = await picture(3);
    const copy = await sharp(original).resize(180, 180).jpeg({ quality: 60 }).toBuffer();
    const other = await picture(8);
    const [a, b, c] = await Promise.all([original, copy, other].map(perceptualHash));
    assert.ok(hammingDistance(a!, b!) <= 4, `copy differs by ${hammingDistance(a!, b!)} bits`);
    assert.ok(hammingDistance(a!, c!) > 10, `other picture differs by only ${hammingDistance(a!, c!)} bits`);
  });
});
