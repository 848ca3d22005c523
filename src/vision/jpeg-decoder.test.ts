import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { foodPhoto, generatedPhoto } from '../../test/app/fixtures.js';
import { CorruptImageError, centreCropPlan, imageToPixels, type PreprocessSpec } from './index.js';
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
      const { width, height } = await sharp(bytes).metadata();
      const decoded = await decodeJpegDirect(bytes, centreCropPlan(width, height, spec));
      assert.ok(decoded?.cropped, `photo ${index} was not cropped in the addon`);
      const crops = await bothCrops(bytes);
      assert.ok(crops.direct.equals(crops.libvips), `photo ${index}: crops differ`);
      assert.ok(crops.direct.equals(Buffer.from(decoded.data)), `photo ${index}: the addon's crop differs`);
    }
  });

  it('should leave an enlarging resize to libvips, with the same crop', async () => {
    const small = await sharp(await foodPhoto(5))
      .resize(200, 150)
      .jpeg()
      .toBuffer();
    const decoded = await decodeJpegDirect(small, centreCropPlan(200, 150, spec));
    assert.equal(decoded?.cropped, false);
    assert.equal(decoded?.width, 200);
    const crops = await bothCrops(small);
    assert.ok(crops.direct.equals(crops.libvips));
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
    // The addon itself checks its arguments; decodeJpegDirect's types admit only bytes and whole numbers.
    await assert.rejects(
      async () => decodeJpegDirect(new Float32Array(4) as unknown as Uint8Array),
      TypeError,
    );
    const crop = { resizedWidth: 341, resizedHeight: 256, left: 58, top: 16, size: -1 };
    await assert.rejects(async () => decodeJpegDirect(await foodPhoto(0), crop), TypeError);
  });
});
