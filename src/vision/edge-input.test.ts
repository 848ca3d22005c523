import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { foodPhoto } from '../../test/app/fixtures.js';
import { centreCropPixels, edgeInputTensor, imageToTensor, type PreprocessSpec } from './index.js';

const spec: PreprocessSpec = {
  size: 224,
  cropFraction: 0.875,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** What a browser's decoder hands over: every pixel, oriented, RGBA. */
async function decoded(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes)
    .rotate()
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgba: data, width: info.width, height: info.height, format: 'jpeg' as const };
}

/** Largest and mean difference between two tensors, in 8-bit pixel levels. */
function levels(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) * 255 * spec.std[Math.floor((i * 3) / a.length)]!;
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

describe('edge input (the browser side of preprocessing)', () => {
  it("should build the server's exact tensor from decoded pixels when no shrink-on-load applies", async () => {
    for (const index of [0, 5, 17, 40]) {
      const bytes = await foodPhoto(index);
      const server = await imageToTensor(bytes, spec);
      const edge = edgeInputTensor(centreCropPixels(await decoded(bytes), spec), spec, 'float32');
      const { max } = levels(edge, server.tensor);
      assert.ok(max < 0.01, `photo ${index}: ${max.toFixed(3)} levels apart`);
    }
  });

  it("should stay within a few levels of the server on a 12-MP photo, where the server's JPEG decoder shrinks on load", async () => {
    const bytes = await sharp(await foodPhoto(3))
      .resize(4000, 3000, { fit: 'fill' })
      .jpeg({ quality: 90 })
      .toBuffer();
    const server = await imageToTensor(bytes, spec);
    const edge = edgeInputTensor(centreCropPixels(await decoded(bytes), spec), spec, 'float32');
    const { max, mean } = levels(edge, server.tensor);
    assert.ok(mean < 0.5 && max < 8, `mean ${mean.toFixed(3)}, max ${max.toFixed(2)} levels`);
  });

  it('should hand uint8 models the raw crop in planar order', async () => {
    const crop = { data: new Uint8Array([1, 2, 3, 4, 5, 6]), width: 2, height: 1, channels: 3 };
    assert.deepEqual(Array.from(edgeInputTensor(crop, { ...spec, size: 2 }, 'uint8')), [1, 4, 2, 5, 3, 6]);
  });
});
