import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normal, seededRandom } from '../core/index.js';
import {
  featureStatistics,
  foldStandardisation,
  predictHead,
  type TrainingSet,
  trainHead,
} from './train-head.js';

/** Three Gaussian blobs in 20 dimensions, offset and scaled so standardisation matters. */
function blobs(n: number, seed: number): TrainingSet {
  const random = seededRandom(seed);
  const width = 20;
  const features = new Float32Array(n * width);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    labels[i] = label;
    for (let k = 0; k < width; k++)
      features[i * width + k] = 50 + 10 * (normal(random) + (k === label ? 3 : 0));
  }
  return { features, labels, width, classes: 3 };
}

function accuracy(set: TrainingSet, probabilities: Float32Array): number {
  let ok = 0;
  for (let i = 0; i < set.labels.length; i++) {
    const row = Array.from(probabilities.subarray(i * 3, i * 3 + 3));
    if (row.indexOf(Math.max(...row)) === set.labels[i]) ok++;
  }
  return ok / set.labels.length;
}

const params = {
  hidden: 0,
  l2: 1e-3,
  epochs: 15,
  batchSize: 32,
  learningRate: 0.01,
  balanceClasses: true,
  seed: 5,
};

describe('head training', () => {
  it('should learn separable classes with a softmax head and an MLP head', () => {
    const train = blobs(300, 1);
    const test = blobs(150, 2);
    for (const hidden of [0, 8]) {
      const head = trainHead(train, { ...params, hidden });
      assert.equal(head.layers.length, hidden ? 2 : 1);
      assert.ok(accuracy(test, predictHead(head, test.features, test.width)) > 0.9);
    }
  });

  it('should learn as well when batches and the scored set are not multiples of four rows', () => {
    // The dense kernels work four rows at a time; these sizes exercise their remainders (7-row batches, a
    // 3-row last batch, 151 rows scored).
    const train = blobs(297, 1);
    const test = blobs(151, 2);
    const head = trainHead(train, { ...params, hidden: 8, batchSize: 7, epochs: 10 });
    const together = predictHead(head, test.features, test.width);
    assert.ok(accuracy(test, together) > 0.9);
    const width = test.width;
    for (const row of [0, 147, 150]) {
      const alone = predictHead(head, test.features.subarray(row * width, (row + 1) * width), width);
      assert.deepEqual(alone, together.subarray(row * 3, row * 3 + 3), `row ${row} scored alone`);
    }
  });

  it('should give identical weights for one seed and different MLP weights for another', () => {
    const train = blobs(200, 1);
    const a = trainHead(train, { ...params, hidden: 8 });
    const b = trainHead(train, { ...params, hidden: 8 });
    const c = trainHead(train, { ...params, hidden: 8, seed: 6 });
    assert.deepEqual(a.layers[0]!.weight, b.layers[0]!.weight);
    assert.deepEqual(a.layers[1]!.bias, b.layers[1]!.bias);
    assert.notDeepEqual(a.layers[0]!.weight, c.layers[0]!.weight);
  });

  it('should fold standardisation into the first layer exactly', () => {
    const set = blobs(30, 3);
    const { mean, std } = featureStatistics(set);
    const random = seededRandom(9);
    const layer = {
      inputs: 20,
      outputs: 3,
      weight: Float32Array.from({ length: 60 }, () => random() - 0.5),
      bias: Float32Array.from([0.1, -0.2, 0.3]),
    };
    const standardised = set.features.map((v, i) => (v - mean[i % 20]!) / std[i % 20]!);
    const expected = predictHead({ layers: [layer] }, standardised, 20);
    const folded = predictHead({ layers: [foldStandardisation(layer, mean, std)] }, set.features, 20);
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(expected[i]! - folded[i]!) < 1e-4);
  });
});
