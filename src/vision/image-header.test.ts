import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodePixels, jpegDataMissing, readImageHeader } from './image-header.js';
import { imageToTensor } from './preprocess.js';

function photo(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 30 } } });
}

describe('readImageHeader', () => {
  it('should read the stored size of JPEG, progressive JPEG, PNG and both WebP kinds, and a JPEG orientation, as sharp does', async () => {
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
      const orientation = meta.format === 'jpeg' ? { orientation: meta.orientation ?? 1 } : {};
      assert.deepEqual(header, {
        format: meta.format,
        width: meta.width,
        height: meta.height,
        ...orientation,
      });
    }
  });

  it('should read every EXIF orientation of a JPEG, big- and little-endian, as sharp does', async () => {
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const bytes = await photo(40, 30).jpeg().withMetadata({ orientation }).toBuffer();
      assert.equal(readImageHeader(bytes)?.orientation, (await sharp(bytes).metadata()).orientation);
      // The same tag in a little-endian TIFF block: II, 42, IFD0 at 8, one entry (0x0112, SHORT, 1, value).
      const tiff = [
        0x49,
        0x49,
        42,
        0,
        8,
        0,
        0,
        0,
        1,
        0,
        0x12,
        0x01,
        3,
        0,
        1,
        0,
        0,
        0,
        orientation,
        0,
        0,
        0,
        0,
        0,
      ];
      const app1 = [0xff, 0xe1, 0, tiff.length + 8, ...Buffer.from('Exif\0\0'), ...tiff];
      const plain = await photo(40, 30).jpeg().toBuffer();
      const little = Buffer.concat([plain.subarray(0, 2), Buffer.from(app1), plain.subarray(2)]);
      assert.equal(readImageHeader(little)?.orientation, (await sharp(little).metadata()).orientation ?? 1);
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

describe('jpegDataMissing', () => {
  it('should refuse a JPEG whose header claims 7000² but holds no scan data, and pass real ones', async () => {
    const real = await photo(7000, 7000).jpeg().toBuffer();
    const sos = real.indexOf(Buffer.from([0xff, 0xda]));
    const hollow = Buffer.concat([real.subarray(0, sos + 14), Buffer.alloc(2000), Buffer.from([0xff, 0xd9])]);
    const header = readImageHeader(hollow)!;
    assert.equal(jpegDataMissing(hollow, header), true);
    assert.equal(jpegDataMissing(real, readImageHeader(real)!), false, 'one colour, but every block coded');
    const small = await photo(640, 480).jpeg({ progressive: true }).toBuffer();
    assert.equal(jpegDataMissing(small, readImageHeader(small)!), false);
    const spec = { size: 32, cropFraction: 0.875, mean: [0, 0, 0], std: [1, 1, 1] } as const;
    await assert.rejects(imageToTensor(hollow, spec), (error: unknown) => {
      assert.equal((error as { statusCode: number }).statusCode, 422);
      assert.match((error as Error).message, /claims 7000x7000/);
      return true;
    });
  });
});
