import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelConfigError } from './errors.js';
import { encodeModel, floatTensor, newModel, node, valueInfo } from './onnx-graph.js';
import { createOnnxSession } from './onnx-runtime.js';
import { defaultOpset, upgradeOpset } from './opset-upgrade.js';

/** image [1,3,2,2] → ReduceMean over H,W (axes attribute, opset 12) → Unsqueeze back to [1,3,1,1,1]. */
function tinyOpset12() {
  return newModel(
    {
      name: 'tiny',
      node: [
        node('ReduceMean', ['image'], ['pooled'], { axes: [2, 3], keepdims: 0 }),
        node('Unsqueeze', ['pooled'], ['lifted'], { axes: [2, 3, 4] }),
        node('Mul', ['lifted', 'two'], ['output']),
      ],
      initializer: [floatTensor('two', [], [2])],
      input: [valueInfo('image', [1, 3, 2, 2])],
      output: [valueInfo('output', [1, 3, 1, 1, 1])],
    },
    12,
  );
}

describe('upgradeOpset', () => {
  it('should move attributes that became inputs and compute the same numbers at opset 18', async () => {
    const input = Float32Array.from({ length: 12 }, (_, i) => i);
    const before = await createOnnxSession(encodeModel(tinyOpset12()));
    const model = tinyOpset12();
    upgradeOpset(model, 18);
    assert.equal(defaultOpset(model), 18);
    const after = await createOnnxSession(encodeModel(model));
    const a = (await before.run(input, [1, 3, 2, 2])).output!.data;
    const b = (await after.run(input, [1, 3, 2, 2])).output!.data;
    assert.deepEqual(Array.from(b), Array.from(a));
    assert.deepEqual(Array.from(a), [3, 11, 19]);
    // Unchanged as an opset-12 graph declared 18, ONNX Runtime rejects the attribute form.
    const stale = tinyOpset12();
    stale.opsetImport[0]!.version = 18;
    await assert.rejects(createOnnxSession(encodeModel(stale)));
  });

  it('should refuse, by name, an op it does not know to be unchanged', () => {
    const model = tinyOpset12();
    model.graph!.node!.push(node('Upsample', ['output'], ['bigger'], { mode: 'nearest' }));
    assert.throws(
      () => upgradeOpset(model, 13, 'old.onnx'),
      (error: unknown) => error instanceof ModelConfigError && /no upgrade for Upsample/.test(error.message),
    );
  });
});
