import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { foodPhoto, generatedPhoto } from '../../test/app/fixtures.js';
import { CorruptImageError, imageToPixels, type PreprocessSpec } from './index.js';
import { decodeJpegDirect, libjpegAvailable } from './jpeg-decoder.js';

const spec: PreprocessSpec = {
  size: 224,
  cropFraction: 0.875,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

async function bothCrops(bytes: Uint8Array, size = spec.size) {
  const at = { ...spec, size };
  const direct = await imageToPixels(bytes, at);
  const libvips = await imageToPixels(bytes, at, { jpegDecoder: 'libvips' });
  return { direct: Buffer.from(direct.pixels), libvips: Buffer.from(libvips.pixels) };
}

describe('JPEG decoding through libjpeg-turbo (native/)', () => {
  it('should be built here (.ci/run builds it: npm run build:native)', () => {
    assert.ok(
      libjpegAvailable,
      'native/build/Release/gourmetgram_jpeg.node is missing: npm run build:native',
    );
  });

  it('should give the same centre crop, byte for byte, as the libvips pipeline on real photos', async () => {
    for (let index = 0; index < 22; index++) {
      const bytes = await foodPhoto(index);
      assert.ok(await decodeJpegDirect(bytes), `photo ${index} went back to sharp`);
      const crops = await bothCrops(bytes);
      assert.ok(crops.direct.equals(crops.libvips), `photo ${index}: crops differ`);
    }
  });

  it('should leave to sharp what it would decode differently, with the same crop either way', async () => {
    const photo = await foodPhoto(0);
    const progressive = await sharp(photo).jpeg({ progressive: true, quality: 90 }).toBuffer();
    const cases = {
      // libjpeg scales these at decode (1/2 at 96 px): sharp's own path keeps them.
      'small crop of a large photo': { bytes: photo, size: 96, direct: true },
      progressive: { bytes: progressive, size: 224, direct: true },
      greyscale: {
        bytes: await sharp(photo).toColourspace('b-w').jpeg().toBuffer(),
        size: 224,
        direct: false,
      },
      cmyk: { bytes: await sharp(photo).toColourspace('cmyk').jpeg().toBuffer(), size: 224, direct: false },
      'ICC profile': {
        bytes: await sharp(photo).withIccProfile('p3').jpeg().toBuffer(),
        size: 224,
        direct: false,
      },
      // sharp writes orientation with an sRGB profile, which the addon also declines.
      'EXIF orientation 6': { bytes: await generatedPhoto(1, 6), size: 224, direct: false },
    };
    for (const [name, { bytes, size, direct }] of Object.entries(cases)) {
      assert.equal((await decodeJpegDirect(bytes)) !== undefined, direct, `${name}: decoded directly?`);
      const crops = await bothCrops(bytes, size);
      assert.ok(crops.direct.equals(crops.libvips), `${name}: crops differ`);
    }
  });

  it('should refuse a truncated JPEG with the same error as before', async () => {
    const photo = await foodPhoto(3);
    const truncated = photo.subarray(0, Math.floor(photo.length * 0.6));
    assert.equal(await decodeJpegDirect(truncated), undefined);
    await assert.rejects(imageToPixels(truncated, spec), CorruptImageError);
    await assert.rejects(imageToPixels(truncated, spec, { jpegDecoder: 'libvips' }), CorruptImageError);
  });

  it('should answer a non-JPEG with undefined and a wrong argument with a TypeError', async () => {
    assert.equal(await decodeJpegDirect(new Uint8Array([1, 2, 3, 4])), undefined);
    assert.equal(await decodeJpegDirect(new Uint8Array(0)), undefined);
    // The addon itself checks its argument; decodeJpegDirect's type admits only bytes.
    await assert.rejects(
      async () => decodeJpegDirect(new Float32Array(4) as unknown as Uint8Array),
      TypeError,
    );
  });
});
