import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  declaredHugePng,
  gifImage,
  greyscalePng,
  solidImage,
  svgImage,
  twoToneJpeg,
} from '../../test/fixtures/images.js';
import {
  CorruptImageError,
  ImageTooLargeError,
  ImageTooSmallError,
  imageToTensor,
  inspectImage,
  type PreprocessSpec,
  sniffImageFormat,
  UnsupportedImageTypeError,
  writeNormalisedChw,
} from './index.js';

const spec: PreprocessSpec = {
  size: 32,
  cropFraction: 0.875,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};
const plane = 32 * 32;

describe('image preprocessing', () => {
  it('should accept JPEG, PNG and WebP and tell them from their bytes', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const bytes = await solidImage(format);
      assert.equal(sniffImageFormat(bytes), format);
      const { tensor } = await imageToTensor(bytes, spec);
      assert.equal(tensor.length, 3 * plane);
      // Green dominates every pixel of the solid image after normalisation.
      assert.ok(tensor[plane + 100]! > tensor[100]! && tensor[plane + 100]! > tensor[2 * plane + 100]!);
    }
  });

  it('should reject SVG, GIF and empty bodies with a typed 415 error', async () => {
    for (const [bytes, name] of [
      [svgImage, 'SVG'],
      [gifImage, 'GIF'],
      [Buffer.alloc(0), 'empty body'],
    ] as const) {
      await assert.rejects(imageToTensor(bytes, spec), (error: unknown) => {
        assert.ok(error instanceof UnsupportedImageTypeError);
        assert.equal(error.statusCode, 415);
        assert.match(error.message, new RegExp(name));
        return true;
      });
    }
  });

  it('should reject truncated and corrupt files with a typed 422 error', async () => {
    const jpeg = await twoToneJpeg(200, 150);
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const garbage = Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(500, 7)]);
    for (const bytes of [truncated, garbage]) {
      await assert.rejects(imageToTensor(bytes, spec), (error: unknown) => {
        assert.ok(error instanceof CorruptImageError, String(error));
        assert.equal(error.statusCode, 422);
        return true;
      });
    }
  });

  it('should refuse a decompression bomb from its header alone', async () => {
    const bomb = declaredHugePng(60_000, 60_000);
    assert.ok(bomb.length < 200);
    await assert.rejects(imageToTensor(bomb, spec), ImageTooLargeError);
    await assert.rejects(
      imageToTensor(await solidImage('png', 100, 100), spec, { limits: { maxPixels: 5000, minSide: 1 } }),
      ImageTooLargeError,
    );
  });

  it('should refuse images too small to classify', async () => {
    await assert.rejects(imageToTensor(await solidImage('png', 4, 100), spec), ImageTooSmallError);
  });

  it('should apply EXIF orientation before cropping', async () => {
    // Orientation 6 rotates 90° clockwise: a 64×32 red|blue image becomes 32×64 with red on top.
    const bytes = await twoToneJpeg(64, 32, 6);
    const info = await inspectImage(bytes);
    assert.deepEqual([info.width, info.height], [32, 64]);
    const { tensor } = await imageToTensor(bytes, { ...spec, cropFraction: 1 });
    const top = 2 * 32 + 16;
    const bottom = 29 * 32 + 16;
    assert.ok(tensor[top]! > tensor[2 * plane + top]!, 'top row is red');
    assert.ok(tensor[2 * plane + bottom]! > tensor[bottom]!, 'bottom row is blue');
  });

  it('should composite transparent pixels on white and expand greyscale to RGB', async () => {
    const { tensor } = await imageToTensor(await solidImage('png', 40, 40, true), spec);
    const white = (1 - spec.mean[0]) / spec.std[0];
    assert.ok(Math.abs(tensor[0]! - white) < 1e-3);
    const grey = await imageToTensor(await greyscalePng(), spec);
    const value = (128 / 255 - spec.mean[1]) / spec.std[1];
    assert.ok(Math.abs(grey.tensor[plane + 5]! - value) < 0.02);
  });

  it('should write into a batch tensor at an offset without touching its neighbours', async () => {
    const out = new Float32Array(3 * 3 * plane).fill(42);
    await imageToTensor(await solidImage('jpeg'), spec, { out, offset: 3 * plane });
    assert.equal(out[3 * plane - 1], 42);
    assert.equal(out[6 * plane], 42);
    assert.notEqual(out[3 * plane], 42);
  });

  it('should normalise each channel as (v/255 - mean) / std', () => {
    const rgb = new Uint8Array(3 * plane);
    rgb[0] = 255;
    rgb[1] = 0;
    rgb[2] = 128;
    const out = new Float32Array(3 * plane);
    writeNormalisedChw(rgb, spec, out, 0);
    assert.ok(Math.abs(out[0]! - (1 - 0.485) / 0.229) < 1e-5);
    assert.ok(Math.abs(out[plane]! - (0 - 0.456) / 0.224) < 1e-5);
    assert.ok(Math.abs(out[2 * plane]! - (128 / 255 - 0.406) / 0.225) < 1e-5);
  });
});
