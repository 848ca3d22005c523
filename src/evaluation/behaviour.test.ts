import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { agreement, perClassTop1, transforms } from './behaviour.js';

describe('agreement', () => {
  it('should give the share of rows whose top class is unchanged', () => {
    const a = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]);
    const b = Float32Array.from([0.7, 0.3, 0.9, 0.1, 0.55, 0.45]);
    assert.equal(agreement(a, b, 2), 2 / 3);
  });

  it('should refuse predictions of different lengths', () => {
    assert.throws(() => agreement(new Float32Array(4), new Float32Array(6), 2), /bug/);
  });
});

describe('perClassTop1', () => {
  it('should give each class its own accuracy and NaN where it has no rows', () => {
    const top1 = perClassTop1(Float32Array.from([0.9, 0.1, 0, 0.2, 0.8, 0, 0.6, 0.4, 0]), [0, 0, 1], 3);
    assert.deepEqual(top1.slice(0, 2), [0.5, 0]);
    assert.ok(Number.isNaN(top1[2]));
  });
});

describe('transforms', () => {
  it('should mirror, rotate and crop real pixels', async () => {
    // Left half red, right half blue, 80×40.
    const rgb = Buffer.alloc(80 * 40 * 3);
    for (let i = 0; i < 80 * 40; i++) rgb[i * 3 + (i % 80 < 40 ? 0 : 2)] = 255;
    const png = await sharp(rgb, { raw: { width: 80, height: 40, channels: 3 } })
      .png()
      .toBuffer();
    const flipped = await sharp(await transforms.flip(png))
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.ok(flipped.data[2]! > 200 && flipped.data[0]! < 60, 'the left edge is blue after a flip');
    const turned = await sharp(await transforms.rotate_90(png)).metadata();
    assert.deepEqual([turned.width, turned.height], [40, 80]);
    const cropped = await sharp(await transforms.centre_crop_50(png)).metadata();
    assert.deepEqual([cropped.width, cropped.height], [40, 20]);
    const upscaled = await sharp(await transforms.upscaled_64px(png)).metadata();
    assert.deepEqual([upscaled.width, upscaled.height], [448, 224]);
    const grey = await sharp(await transforms.greyscale(png)).stats();
    assert.ok(Math.abs(grey.channels[0]!.mean - grey.channels[2]!.mean) < 2);
  });
});
