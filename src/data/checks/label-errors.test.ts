import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normal, seededRandom } from '../../core/index.js';
import { defaultHyperParameters, predictHead, trainHead } from '../../models/index.js';
import { confidentLearning, groupKFold, outOfFoldProbabilities } from './label-errors.js';

describe('groupKFold', () => {
  it('should never split a group across folds and keep folds near equal', () => {
    const groups = Array.from({ length: 100 }, (_, i) => `g${Math.floor(i / 3)}`);
    const folds = groupKFold(groups, 5);
    const foldOf = new Map<string, number>();
    groups.forEach((g, i) => {
      if (foldOf.has(g)) assert.equal(folds[i], foldOf.get(g));
      foldOf.set(g, folds[i]!);
    });
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 3, `fold sizes ${sizes}`);
  });

  it('should not depend on the order of the rows', () => {
    const groups = ['a', 'b', 'c', 'a', 'd', 'e', 'f', 'c'];
    const folds = groupKFold(groups, 3);
    const reversed = groupKFold([...groups].reverse(), 3);
    groups.forEach((g, i) => {
      assert.equal(folds[i], reversed[groups.length - 1 - i], g);
    });
  });
});

describe('confidentLearning', () => {
  it('should flag an example whose given label is below its threshold while another class is above its own', () => {
    // Class thresholds: class 0 = mean(0.9, 0.8, 0.1) = 0.6; class 1 = mean(0.9, 0.7) = 0.8.
    const probabilities = Float32Array.from([0.9, 0.1, 0.8, 0.2, 0.1, 0.9, 0.1, 0.9, 0.3, 0.7]);
    const { thresholds, suspects } = confidentLearning(probabilities, [0, 0, 0, 1, 1], 2);
    assert.ok(Math.abs(thresholds[0]! - 0.6) < 1e-6 && Math.abs(thresholds[1]! - 0.8) < 1e-6);
    assert.equal(suspects.length, 1);
    assert.equal(suspects[0]!.index, 2);
    assert.equal(suspects[0]!.suggested, 1);
    // Example 4 (label 1 at 0.7 < 0.8) is not flagged: class 0 at 0.3 is under its threshold 0.6.
  });

  it('should rank larger margins first', () => {
    // Thresholds: class 0 = mean(0.9, 0.9, 0.2, 0.05) ≈ 0.51; class 1 = mean(0.7, 0.8) = 0.75.
    const probabilities = Float32Array.from([0.9, 0.1, 0.9, 0.1, 0.2, 0.8, 0.05, 0.95, 0.3, 0.7, 0.2, 0.8]);
    const { suspects } = confidentLearning(probabilities, [0, 0, 0, 0, 1, 1], 2);
    assert.deepEqual(
      suspects.map((s) => s.index),
      [3, 2],
    );
  });
});

describe('outOfFoldProbabilities', () => {
  it('should find labels flipped on purpose among well separated classes', () => {
    const random = seededRandom(5);
    const width = 8;
    const n = 120;
    const features = new Float32Array(n * width);
    const truth = Int32Array.from({ length: n }, (_, i) => i % 3);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < width; k++)
        features[i * width + k] = (k === truth[i]! ? 3 : 0) + normal(random) * 0.5;
    const given = Int32Array.from(truth);
    const flipped = [7, 40, 95];
    for (const i of flipped) given[i] = (truth[i]! + 1) % 3;
    const folds = groupKFold(
      Array.from({ length: n }, (_, i) => `g${i}`),
      5,
    );
    const probabilities = outOfFoldProbabilities(features, given, folds, width, 3, (train, test) =>
      predictHead(
        trainHead({ ...train, width, classes: 3 }, { ...defaultHyperParameters, epochs: 30 }),
        test,
        width,
      ),
    );
    const { suspects } = confidentLearning(probabilities, given, 3);
    const found = suspects
      .slice(0, 3)
      .map((s) => s.index)
      .sort((a, b) => a - b);
    assert.deepEqual(found, flipped);
    for (const s of suspects.slice(0, 3)) assert.equal(s.suggested, truth[s.index]);
  });
});
