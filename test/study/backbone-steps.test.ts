import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backboneCombinations, sliceBackbones, studyBackbones } from '../../src/study/index.js';

describe('backbone study combinations', () => {
  it('lists each backbone alone, then every combination the first one leads, in recipe order', () => {
    const subsets = backboneCombinations(3);
    assert.deepEqual(subsets, [[0], [1], [2], [0, 1], [0, 2], [0, 1, 2]]);
    for (const s of subsets) assert.deepEqual([...s].sort(), s);
    // The zoo comes first: its crop is the model input's, so its cached embeddings are the single-backbone ones.
    assert.equal(studyBackbones[0].name, 'mobilenetv2-12-int8');
  });

  it('slices the chosen backbones out of the concatenated embedding, per view', () => {
    const view = (offset: number) => Float32Array.from({ length: 6 }, (_, i) => offset + i);
    const sliced = sliceBackbones([view(0), view(10)], [0, 2], 2);
    assert.deepEqual(Array.from(sliced[0]!), [0, 1, 4, 5]);
    assert.deepEqual(Array.from(sliced[1]!), [10, 11, 14, 15]);
    assert.deepEqual(Array.from(sliceBackbones([view(0)], [1], 2)[0]!), [2, 3]);
  });
});
