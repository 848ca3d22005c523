import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { renderContactSheet } from './contact-sheet.js';

describe('renderContactSheet', () => {
  it('should lay tiles out in a grid with captions and survive an undecodable tile', async () => {
    const red = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } })
      .jpeg()
      .toBuffer();
    const tiles = [
      { image: red, lines: ['Bread → Egg', 'p 0.91'] },
      { image: new Uint8Array([1, 2, 3]), lines: ['broken'] },
      { image: red, lines: ['third'] },
    ];
    const jpeg = await renderContactSheet(tiles, { columns: 2, tile: 100 });
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 2 * 106 + 6);
    // Two rows of (tile + two caption lines + padding).
    assert.equal(meta.height, 2 * (100 + 2 * 14 + 12) + 6);
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    assert.ok(pixel(56, 56)[0]! > 200 && pixel(56, 56)[1]! < 60, 'first tile is red');
    assert.ok(Math.abs(pixel(162, 56)[0]! - 153) < 20, 'broken tile is grey');
  });
});
