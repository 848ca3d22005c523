import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { solidImage } from '../../test/fixtures/images.js';
import { DatasetLayoutError, food11Classes, itemsOf, photoGroup, readDataset } from './index.js';

async function write(root: string, file: string, bytes: Buffer | string) {
  await mkdir(join(root, file, '..'), { recursive: true });
  await writeFile(join(root, file), bytes);
}

describe('dataset readers', () => {
  it('should read the real Food-11 layout with class indices from file names', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gg-food11-'));
    const jpeg = await solidImage('jpeg');
    await write(root, 'training/0_1.jpg', jpeg);
    await write(root, 'training/10_7.jpg', jpeg);
    await write(root, 'validation/3_2.jpg', jpeg);
    await write(root, 'evaluation/6_0.jpg', jpeg);
    await write(root, 'evaluation/notes_1.jpg', jpeg);
    await write(root, 'evaluation/11_1.jpg', jpeg);
    const dataset = await readDataset(root);
    assert.equal(dataset.layout, 'food-11');
    assert.deepEqual(
      dataset.items.map((i) => [i.file, food11Classes[i.label], i.split]),
      [
        ['evaluation/6_0.jpg', 'Noodles/Pasta', 'test'],
        ['training/0_1.jpg', 'Bread', 'train'],
        ['training/10_7.jpg', 'Vegetable/Fruit', 'train'],
        ['validation/3_2.jpg', 'Egg', 'validation'],
      ],
    );
    assert.deepEqual(dataset.skipped.map((s) => s.file).sort(), [
      'evaluation/11_1.jpg',
      'evaluation/notes_1.jpg',
    ]);
  });

  it('should read class folders, map folder names to Food-11 classes and carve validation from train only', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gg-folders-'));
    const jpeg = await solidImage('jpeg');
    for (let i = 0; i < 40; i++) await write(root, `train/Noodles-Pasta/src__dish${i}00_1_.jpg`, jpeg);
    await write(root, 'train/Noodles-Pasta/src__dish000_2_.jpg', jpeg);
    await write(root, 'test/Vegetable-Fruit/a.jpg', jpeg);
    await write(root, 'test/Pizza/b.jpg', jpeg);
    await write(root, 'test/Vegetable-Fruit/readme.txt', 'not an image');
    const dataset = await readDataset(root, { validationFraction: 0.3 });
    assert.equal(dataset.layout, 'class-folders');
    assert.equal(itemsOf(dataset, 'test').length, 1);
    assert.equal(food11Classes[itemsOf(dataset, 'test')[0]!.label], 'Vegetable/Fruit');
    const validation = itemsOf(dataset, 'validation');
    assert.ok(validation.length > 0 && validation.length < 41);
    assert.equal(itemsOf(dataset, 'train').length + validation.length, 41);
    // Two burst shots of one dish land on the same side of the split.
    const sides = dataset.items.filter((i) => i.group.endsWith('src__dish000')).map((i) => i.split);
    assert.equal(sides.length, 2);
    assert.equal(sides[0], sides[1]);
    assert.equal(dataset.items.find((i) => i.file.includes('dish'))!.source, 'src');
    assert.deepEqual(
      dataset.skipped.map((s) => s.file),
      ['test/Pizza/'],
    );
  });

  it('should group exports, burst shots and views of one dish', () => {
    assert.equal(photoGroup('s', 'ecustfd__bread004S_1_'), photoGroup('s', 'ecustfd__bread004T_3_'));
    assert.equal(photoGroup('s', 'x_jpg.rf.0123abcd'), photoGroup('s', 'x_jpg.rf.99ffee00'));
    assert.notEqual(photoGroup('s', 'apple_pie_1077610'), photoGroup('s', 'apple_pie_1097378'));
  });

  it('should name what it found when a folder is no dataset', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gg-empty-'));
    await mkdir(join(root, 'photos'));
    await assert.rejects(
      readDataset(root),
      (error: unknown) => error instanceof DatasetLayoutError && /photos/.test(error.message),
    );
  });
});
