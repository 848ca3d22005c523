import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imbalanceRatio, profileBy, summarise } from './distribution.js';

describe('summarise', () => {
  it('should interpolate quantiles like numpy', () => {
    const s = summarise([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(s.median, 5.5);
    assert.equal(s.p10, 1.9);
    assert.equal(s.p90, 9.1);
    assert.equal(s.mean, 5.5);
  });

  it('should return zeros for an empty sample', () => {
    assert.equal(summarise([]).n, 0);
  });
});

describe('profileBy', () => {
  it('should count per split and summarise the shorter side and brightness per source', () => {
    const images = [
      { label: 'Egg', source: 'lab', split: 'train', width: 300, height: 200, brightness: 200 },
      { label: 'Egg', source: 'lab', split: 'test', width: 100, height: 400, brightness: 180 },
      { label: 'Egg', source: 'web', split: 'train', width: 500, height: 500, brightness: 90 },
    ];
    const [lab, web] = profileBy(images, 'source');
    assert.equal(lab!.key, 'lab');
    assert.deepEqual(lab!.by_split, { train: 1, test: 1 });
    assert.equal(lab!.short_side.median, 150);
    assert.equal(web!.brightness.mean, 90);
  });
});

describe('imbalanceRatio', () => {
  it('should divide the largest count by the smallest', () => {
    assert.equal(imbalanceRatio([10, 40, 20]), 4);
    assert.equal(imbalanceRatio([3, 0]), Number.POSITIVE_INFINITY);
  });
});
