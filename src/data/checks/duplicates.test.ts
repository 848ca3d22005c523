import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DuplicateCandidate,
  defaultDuplicateThresholds,
  duplicateClusters,
  duplicateVerdict,
  findDuplicatePairs,
  l2Normalise,
  mergeGroupsByPairs,
} from './duplicates.js';

const item = (file: string, split: string, extra: Partial<DuplicateCandidate> = {}): DuplicateCandidate => ({
  file,
  split,
  label: 0,
  group: file,
  ...extra,
});

describe('findDuplicatePairs', () => {
  it('should report an exact copy across splits as leakage with its evidence', () => {
    const pairs = findDuplicatePairs([
      item('a', 'train', { sha256: 'x', dhash: { hi: 1, lo: 0 } }),
      item('b', 'test', { sha256: 'x', dhash: { hi: 1, lo: 0 } }),
      item('c', 'train', { sha256: 'y', dhash: { hi: 0xffff, lo: 0xffff } }),
    ]);
    assert.equal(pairs.length, 1);
    assert.deepEqual(pairs[0]!.evidence, ['exact', 'hash']);
    assert.equal(pairs[0]!.cross_split, true);
    assert.equal(pairs[0]!.hamming, 0);
  });

  it('should find near copies by embedding cosine alone and respect the threshold', () => {
    const e = (v: number[]) => l2Normalise(Float32Array.from(v));
    const items = [
      item('a', 'train', { embedding: e([1, 0, 0]) }),
      item('b', 'train', { embedding: e([1, 0.1, 0]) }),
      item('c', 'test', { embedding: e([0, 1, 0]) }),
    ];
    const pairs = findDuplicatePairs(items, {
      maxHamming: 4,
      minCosine: 0.99,
      confirmCosine: 0.85,
      strongCosine: 0.999,
    });
    assert.equal(pairs.length, 1);
    assert.deepEqual([pairs[0]!.a, pairs[0]!.b], [0, 1]);
    assert.deepEqual(pairs[0]!.evidence, ['embedding']);
    assert.equal(pairs[0]!.cross_split, false);
    assert.equal(pairs[0]!.verdict, 'similar');
    assert.equal(
      findDuplicatePairs(items, { maxHamming: 4, minCosine: 0.999, confirmCosine: 0.85, strongCosine: 1 })
        .length,
      0,
    );
  });

  it('should mark pairs whose labels disagree', () => {
    const pairs = findDuplicatePairs([
      item('a', 'train', { sha256: 's' }),
      item('b', 'train', { sha256: 's', label: 3 }),
    ]);
    assert.equal(pairs[0]!.same_label, false);
  });
});

describe('duplicateVerdict', () => {
  it('should call a hash match the same photo only when the embedding agrees', () => {
    assert.equal(duplicateVerdict(['hash'], 0.9, defaultDuplicateThresholds), 'near');
    assert.equal(duplicateVerdict(['hash'], 0.8, defaultDuplicateThresholds), 'similar');
    assert.equal(duplicateVerdict(['embedding'], 0.96, defaultDuplicateThresholds), 'similar');
    assert.equal(duplicateVerdict(['embedding'], 0.98, defaultDuplicateThresholds), 'near');
    assert.equal(duplicateVerdict(['exact', 'hash'], 0.5, defaultDuplicateThresholds), 'exact');
  });
});

describe('duplicateClusters and mergeGroupsByPairs', () => {
  it('should join chains of pairs into one cluster', () => {
    assert.deepEqual(
      duplicateClusters(6, [
        { a: 0, b: 2 },
        { a: 2, b: 5 },
        { a: 1, b: 3 },
      ]),
      [
        [0, 2, 5],
        [1, 3],
      ],
    );
  });

  it('should give photos linked by a duplicate pair one group name', () => {
    const groups = mergeGroupsByPairs(['g1', 'g2', 'g3', 'g2'], [{ a: 0, b: 2 }]);
    assert.deepEqual(groups, ['g1', 'g2', 'g1', 'g2']);
  });
});
