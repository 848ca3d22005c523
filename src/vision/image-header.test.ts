import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodePixels, readImageHeader } from './image-header.js';

function photo(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 30 } } });
}

describe('readImageHeader', () => {
  it('should read the stored size of JPEG, progressive JPEG, PNG and both WebP kinds as sharp does', async () => {
    const cases = await Promise.all([
      photo(640, 480).jpeg().toBuffer(),
      photo(301, 999).jpeg({ progressive: true }).withMetadata({ orientation: 6 }).toBuffer(),
      photo(7000, 20).png().toBuffer(),
      photo(333, 222).webp().toBuffer(),
      photo(16383, 9).webp({ lossless: true }).toBuffer(),
      photo(120, 80).ensureAlpha(0.5).webp().toBuffer(),
    ]);
    for (const bytes of cases) {
      const meta = await sharp(bytes).metadata();
      const header = readImageHeader(bytes);
      assert.deepEqual(header, { format: meta.format, width: meta.width, height: meta.height });
    }
  });

  it('should return undefined for bytes that hold no size', async () => {
    const jpeg = await photo(64, 64).jpeg().toBuffer();
    assert.equal(readImageHeader(Buffer.from('GIF89a....')), undefined);
    assert.equal(readImageHeader(jpeg.subarray(0, 12)), undefined);
    assert.equal(readImageHeader(new Uint8Array(0)), undefined);
  });
});

describe('decodePixels', () => {
  it('should count a JPEG at the scale libjpeg decodes it to and a PNG in full', () => {
    const jpeg = { format: 'jpeg', width: 4000, height: 3000 } as const;
    assert.equal(decodePixels(jpeg, 256, true), 500 * 375, 'shrunk by 8: 375 px still covers 256');
    assert.equal(decodePixels(jpeg, 1000, true), 2000 * 1500, 'shrunk by 2 only');
    assert.equal(decodePixels(jpeg, 256, false), 12_000_000);
    assert.equal(decodePixels({ ...jpeg, format: 'png' }, 256, true), 12_000_000);
  });
});
