import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normal, seededRandom } from '../core/index.js';
import type { DatasetItem } from '../data/index.js';
import { defaultHyperParameters } from '../models/index.js';
import { crossValidateHeads, groupFolds } from './cross-validation.js';

const classes = ['a', 'b', 'c'];
const width = 12;

/** Photos in pairs (two burst shots of a dish per group), each with a centre row and one view row. */
function photos(n: number): { items: DatasetItem[]; embeddings: Float32Array[][] } {
  const random = seededRandom(3);
  const row = (label: number) =>
    Float32Array.from({ length: width }, (_, k) => normal(random) + (k === label ? 4 : 0));
  const items = Array.from({ length: n }, (_, i) => ({
    path: `/photos/${i}.jpg`,
    file: `${i}.jpg`,
    label: i % 3,
    split: 'train' as const,
    source: 'synthetic',
    group: `dish-${Math.floor(i / 2)}`,
  }));
  // The view looks like the next class: a head trained on it learns the wrong food.
  const embeddings = items.map((item) => [row(item.label), row((item.label + 1) % 3)]);
  return { items, embeddings };
}

const params = { ...defaultHyperParameters, epochs: 10, batchSize: 32, learningRate: 0.01, seed: 5 };

describe('head cross-validation', () => {
  it('should keep each photo group in one fold and use every fold', () => {
    const { items } = photos(240);
    const folds = groupFolds(items, 5);
    const foldOfGroup = new Map<string, number>();
    items.forEach((item, i) => {
      const seen = foldOfGroup.get(item.group);
      if (seen !== undefined) assert.equal(folds[i], seen, `group ${item.group} split across folds`);
      foldOfGroup.set(item.group, folds[i]!);
    });
    assert.deepEqual([...new Set(folds)].sort(), [0, 1, 2, 3, 4]);
    assert.deepEqual(groupFolds(items, 5), folds);
  });

  it('should score every photo once per variant and count what a variant gains and loses against the first', async () => {
    const { items, embeddings } = photos(240);
    const rows = await crossValidateHeads({
      items,
      embeddings,
      width,
      classes,
      folds: 4,
      variants: [
        { label: 'centre only', views: 0, params },
        { label: 'with the misleading view', views: 1, params },
      ],
    });
    assert.equal(rows.length, 2);
    const [centre, withView] = rows;
    assert.equal(centre!.n, 240);
    assert.ok(centre!.top1 > 0.9, `centre-only top-1 ${centre!.top1}`);
    assert.ok(centre!.interval[0] <= centre!.top1 && centre!.top1 <= centre!.interval[1]);
    assert.deepEqual(centre!.versus_first, { gained: 0, lost: 0 });
    assert.ok(withView!.top1 < centre!.top1 - 0.2, `views ignored: ${withView!.top1}`);
    assert.equal(
      Math.round((centre!.top1 - withView!.top1) * 240),
      withView!.versus_first.lost - withView!.versus_first.gained,
    );
  });
});
