import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { lumaStats, measureImage } from './image-stats.js';

describe('image statistics', () => {
  it('should read a flat grey image as mid-brightness with zero sharpness', () => {
    const flat = new Uint8Array(16 * 16).fill(128);
    const stats = lumaStats(flat, 16, 16);
    assert.ok(Math.abs(stats.brightness - 128 / 255) < 1e-12);
    assert.equal(stats.sharpness, 0);
  });

  it('should see a real photo get darker and blurrier', async () => {
    const checks = Buffer.alloc(200 * 150 * 3);
    for (let y = 0; y < 150; y++)
      for (let x = 0; x < 200; x++)
        checks.fill(((x >> 3) + (y >> 3)) % 2 ? 220 : 40, (y * 200 + x) * 3, (y * 200 + x) * 3 + 3);
    const photo = await sharp(checks, { raw: { width: 200, height: 150, channels: 3 } })
      .jpeg()
      .toBuffer();
    const shifted = await sharp(photo).linear(0.5, 0).blur(3).jpeg().toBuffer();
    const before = await measureImage(photo);
    const after = await measureImage(shifted);
    assert.deepEqual([before.width, before.height], [200, 150]);
    assert.ok(after.brightness < before.brightness * 0.6, `${after.brightness} vs ${before.brightness}`);
    assert.ok(after.sharpness < before.sharpness / 10, `${after.sharpness} vs ${before.sharpness}`);
  });
});
